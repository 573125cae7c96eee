import type { RateLimitHit, RateLimitState, RateLimitStore } from '../facets/rate-limits.js';
import { NO_RATE_LIMIT } from '../facets/rate-limits.js';
import { selectList, statement } from './pg-db.js';
import type { PgDb } from './pg-db.js';
import type { PostgresNames } from './postgres-names.js';

const STATE = selectList({ count: 'count', resetAt: 'reset_at' });

/** How often a refused hit re-counts when its full window vanished between two statements. */
const ATTEMPTS = 3;

/**
 * PostgresStore's rate-limit counters. A hit is one upsert whose WHERE refuses a full window:
 * the row lock taken by ON CONFLICT serialises parallel hits, and PostgreSQL evaluates the
 * condition on the newest row version, so no hit is lost and no limit is overrun.
 */
export class PostgresRateLimits implements RateLimitStore {
  readonly #db: PgDb;
  readonly #sql: ReturnType<typeof statements>;

  constructor(db: PgDb, n: PostgresNames) {
    this.#db = db;
    this.#sql = statements(n);
  }

  async get(key: string, now: number): Promise<RateLimitState> {
    return (await this.#db.rows<RateLimitState>(this.#sql.get, [key, now]))[0] ?? { ...NO_RATE_LIMIT };
  }

  async hit(key: string, windowMs: number, now: number, limit?: number): Promise<RateLimitHit> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const [counted] = await this.#db.rows<{ count: number; resetAt: number }>(this.#sql.hit, [key, now, windowMs, limit ?? null]);
      if (counted) return { counted: true, ...counted };
      // Refused: report the full window that refused it. Read in a second statement, it may have
      // ended (or been deleted) in between; then the hit is simply counted again in a new window.
      const [full] = await this.#db.rows<{ count: number; resetAt: number }>(this.#sql.get, [key, now]);
      if (full && limit !== undefined && full.count >= limit) return { counted: false, ...full };
    }
    throw new Error(`PostgresStore: rate limit ${JSON.stringify(key)} changed under ${ATTEMPTS} hits in a row`);
  }

  async delete(key: string): Promise<void> {
    await this.#db.count(this.#sql.delete, [key]);
  }
}

function statements(n: PostgresNames) {
  const t = n.table('rate_limits');
  return {
    get: statement(`SELECT ${STATE} FROM ${t} WHERE key = $1 AND reset_at > $2`),
    // $2 now, $3 windowMs, $4 limit (null: no limit).
    hit: statement(
      `INSERT INTO ${t} AS r (key, count, reset_at) VALUES ($1, 1, $2::bigint + $3::bigint)
       ON CONFLICT (key) DO UPDATE SET
         count    = CASE WHEN r.reset_at <= $2::bigint THEN 1 ELSE r.count + 1 END,
         reset_at = CASE WHEN r.reset_at <= $2::bigint THEN $2::bigint + $3::bigint ELSE r.reset_at END
       WHERE r.reset_at <= $2::bigint OR $4::int IS NULL OR r.count < $4::int
       RETURNING ${STATE}`,
    ),
    delete: statement(`DELETE FROM ${t} WHERE key = $1`),
  };
}
