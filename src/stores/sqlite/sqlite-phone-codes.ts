import type Database from 'better-sqlite3';
import type { PhoneCodeRecord, PhoneCodeStore } from '../facets/phone-codes.js';

/**
 * SqliteStore's phone-codes facet (table `phone_codes`, schema migration 2). Each operation is one
 * statement, and SQLite serialises writers, so each is atomic across every process sharing the file.
 */
export class SqlitePhoneCodes implements PhoneCodeStore {
  readonly #put: Database.Statement<PhoneCodeRecord>;
  readonly #consume: Database.Statement<[string, string, string, number]>;

  constructor(db: Database.Database, p: string) {
    this.#put = db.prepare(
      `INSERT INTO ${p}phone_codes (user_id, purpose, code_hash, created_at, expires_at)
       VALUES (@userId, @purpose, @codeHash, @createdAt, @expiresAt)
       ON CONFLICT (user_id, purpose) DO UPDATE SET
         code_hash = excluded.code_hash, created_at = excluded.created_at, expires_at = excluded.expires_at`,
    );
    // Comparing the hash in SQL leaks nothing useful: it is a keyed hash the attacker cannot compute.
    this.#consume = db.prepare(
      `DELETE FROM ${p}phone_codes WHERE user_id = ? AND purpose = ? AND code_hash = ? AND expires_at > ?`,
    );
  }

  async put(record: PhoneCodeRecord): Promise<void> {
    const { userId, purpose, codeHash, createdAt, expiresAt } = record;
    this.#put.run({ userId, purpose, codeHash, createdAt, expiresAt });
  }

  async consume(userId: string, purpose: string, codeHash: string, now: number): Promise<boolean> {
    return this.#consume.run(userId, purpose, codeHash, now).changes === 1;
  }
}
