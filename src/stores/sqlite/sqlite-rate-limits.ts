import type Database from 'better-sqlite3';
import { NO_RATE_LIMIT } from '../facets/rate-limits.js';
import type { RateLimitHit, RateLimitState, RateLimitStore } from '../facets/rate-limits.js';

/** Ended windows dropped each time a new window starts, so keys sprayed by an attacker do not pile up. */
const PRUNE_BATCH = 100;

interface RateLimitRow {
  count: number;
  reset_at: number;
}

/**
 * SqliteStore's rate-limits facet (table `rate_limits`, schema migration 2). hit() is one
 * IMMEDIATE transaction, so it is atomic across every process sharing the database file.
 */
export class SqliteRateLimits implements RateLimitStore {
  readonly #get: Database.Statement<[string, number], RateLimitRow>;
  readonly #hit: (key: string, windowMs: number, now: number, limit: number | null) => RateLimitHit;
  readonly #delete: Database.Statement<[string]>;

  constructor(db: Database.Database, p: string) {
    this.#get = db.prepare(`SELECT count, reset_at FROM ${p}rate_limits WHERE key = ? AND reset_at > ?`);
    this.#delete = db.prepare(`DELETE FROM ${p}rate_limits WHERE key = ?`);
    // The upsert's WHERE refuses the update (no row returned) when a limit is given and the live
    // window is full; SET expressions all read the old row.
    const upsert = db.prepare<{ key: string; windowMs: number; now: number; limit: number | null }, RateLimitRow>(
      `INSERT INTO ${p}rate_limits (key, count, reset_at) VALUES (@key, 1, @now + @windowMs)
       ON CONFLICT (key) DO UPDATE SET
         count    = CASE WHEN reset_at <= @now THEN 1 ELSE count + 1 END,
         reset_at = CASE WHEN reset_at <= @now THEN @now + @windowMs ELSE reset_at END
       WHERE reset_at <= @now OR @limit IS NULL OR count < @limit
       RETURNING count, reset_at`,
    );
    const prune = db.prepare<[number, number]>(
      `DELETE FROM ${p}rate_limits WHERE key IN (SELECT key FROM ${p}rate_limits WHERE reset_at <= ? LIMIT ?)`,
    );
    // IMMEDIATE: a refused hit reads the full window under the same write lock that refused it.
    this.#hit = db.transaction((key: string, windowMs: number, now: number, limit: number | null): RateLimitHit => {
      const row = upsert.get({ key, windowMs, now, limit });
      // Refused: the live, full window that refused it is there under the same lock.
      if (!row) {
        const full = this.#get.get(key, now)!;
        return { counted: false, count: full.count, resetAt: full.reset_at };
      }
      if (row.count === 1) prune.run(now, PRUNE_BATCH);
      return { counted: true, count: row.count, resetAt: row.reset_at };
    }).immediate;
  }

  async get(key: string, now: number): Promise<RateLimitState> {
    const row = this.#get.get(key, now);
    return row ? { count: row.count, resetAt: row.reset_at } : { ...NO_RATE_LIMIT };
  }

  async hit(key: string, windowMs: number, now: number, limit?: number): Promise<RateLimitHit> {
    return this.#hit(key, windowMs, now, limit ?? null);
  }

  async delete(key: string): Promise<void> {
    this.#delete.run(key);
  }
}
