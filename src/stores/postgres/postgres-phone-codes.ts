import type { PhoneCodeRecord, PhoneCodeStore } from '../facets/phone-codes.js';
import { statement } from './pg-db.js';
import type { PgDb } from './pg-db.js';
import type { PostgresNames } from './postgres-names.js';

/** PostgresStore's phone codes: one upsert to replace, one conditional DELETE to use up. */
export class PostgresPhoneCodes implements PhoneCodeStore {
  readonly #db: PgDb;
  readonly #put;
  readonly #consume;

  constructor(db: PgDb, n: PostgresNames) {
    const t = n.table('phone_codes');
    this.#db = db;
    this.#put = statement(
      `INSERT INTO ${t} (user_id, purpose, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, purpose) DO UPDATE SET
         code_hash = excluded.code_hash, created_at = excluded.created_at, expires_at = excluded.expires_at`,
    );
    // Comparing the hash in SQL leaks nothing useful: it is a keyed hash the attacker cannot compute.
    this.#consume = statement(`DELETE FROM ${t} WHERE user_id = $1 AND purpose = $2 AND code_hash = $3 AND expires_at > $4`);
  }

  async put(r: PhoneCodeRecord): Promise<void> {
    await this.#db.count(this.#put, [r.userId, r.purpose, r.codeHash, r.createdAt, r.expiresAt]);
  }

  async consume(userId: string, purpose: string, codeHash: string, now: number): Promise<boolean> {
    return (await this.#db.count(this.#consume, [userId, purpose, codeHash, now])) === 1;
  }
}
