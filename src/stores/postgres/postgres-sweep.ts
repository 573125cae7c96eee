import { statement } from './pg-db.js';
import type { PgDb, Statement } from './pg-db.js';
import type { PostgresNames } from './postgres-names.js';

/** How many rows of each kind one sweep deleted. */
export interface SweepResult {
  nonces: number;
  rateLimits: number;
  phoneCodes: number;
  challenges: number;
}

export interface SweepSettings {
  batchSize: number;
  challengeRetentionMs: number;
}

/**
 * Deletes short-lived rows whose time is over, at most `batchSize` of each kind per call, so a
 * sweep is a few short statements however much has piled up: request nonces and rate-limit
 * windows past their end, phone codes past their expiry, and push challenges that ended more
 * than `challengeRetentionMs` ago (answered ones keep their signed evidence that long; fraud
 * reports stay until the user has seen the notice).
 */
export class PostgresSweep {
  readonly #db: PgDb;
  readonly #settings: SweepSettings;
  readonly #sql: Record<keyof SweepResult, Statement>;

  constructor(db: PgDb, n: PostgresNames, settings: SweepSettings) {
    this.#db = db;
    this.#settings = settings;
    // Selecting the batch by ctid and repeating the condition in the DELETE keeps a row renewed in
    // between (a rate-limit window that restarted) from being deleted.
    const batch = (table: string, condition: string) =>
      statement(`DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${condition} LIMIT $2)) AND ${condition}`);
    this.#sql = {
      nonces: batch(n.table('push_nonces'), 'expires_at <= $1'),
      rateLimits: batch(n.table('rate_limits'), 'reset_at <= $1'),
      phoneCodes: batch(n.table('phone_codes'), 'expires_at <= $1'),
      challenges: batch(n.table('push_challenges'), `expires_at <= $1 AND (status <> 'fraud' OR notice_seen_at IS NOT NULL)`),
    };
  }

  async sweep(now: number): Promise<SweepResult> {
    const { batchSize, challengeRetentionMs } = this.#settings;
    const run = (kind: keyof SweepResult, before: number) => this.#db.count(this.#sql[kind], [before, batchSize]);
    return {
      nonces: await run('nonces', now),
      rateLimits: await run('rateLimits', now),
      phoneCodes: await run('phoneCodes', now),
      challenges: await run('challenges', now - challengeRetentionMs),
    };
  }

  /** Whether some kind filled its batch, so more may be waiting. */
  isFull(result: SweepResult): boolean {
    return Object.values(result).some((count) => count >= this.#settings.batchSize);
  }
}
