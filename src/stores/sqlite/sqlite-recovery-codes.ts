import type Database from 'better-sqlite3';
import type { RecoveryCodeStore } from '../facets/recovery-codes.js';

/**
 * SqliteStore's recovery-codes facet (table `recovery_codes`, schema migration 6). replace() is
 * one IMMEDIATE transaction and consume() one statement, atomic across processes sharing the file.
 */
export class SqliteRecoveryCodes implements RecoveryCodeStore {
  readonly #replace: (userId: string, digests: readonly string[]) => void;
  readonly #consume: Database.Statement<[string, string]>;
  readonly #count: Database.Statement<[string], { n: number }>;

  constructor(db: Database.Database, p: string) {
    const deleteAll = db.prepare<[string]>(`DELETE FROM ${p}recovery_codes WHERE user_id = ?`);
    const insert = db.prepare<[string, string]>(`INSERT INTO ${p}recovery_codes (user_id, digest) VALUES (?, ?)`);
    // A repeated digest violates the primary key and rolls the whole replacement back.
    this.#replace = db.transaction((userId: string, digests: readonly string[]) => {
      deleteAll.run(userId);
      for (const digest of digests) insert.run(userId, digest);
    }).immediate;
    this.#consume = db.prepare(`DELETE FROM ${p}recovery_codes WHERE user_id = ? AND digest = ?`);
    this.#count = db.prepare(`SELECT count(*) AS n FROM ${p}recovery_codes WHERE user_id = ?`);
  }

  async replace(userId: string, digests: readonly string[]): Promise<void> {
    this.#replace(userId, digests);
  }

  async consume(userId: string, digest: string): Promise<boolean> {
    return this.#consume.run(userId, digest).changes === 1;
  }

  async countRemaining(userId: string): Promise<number> {
    return this.#count.get(userId)!.n;
  }
}
