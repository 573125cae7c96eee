import type Database from 'better-sqlite3';
import type { PhoneCodeRecord } from './store.js';

/**
 * SqliteStore's phone-code operations. Each is one statement, and SQLite serialises writers, so
 * each is atomic across every process sharing the database file.
 */
export function sqlitePhoneOperations(db: Database.Database, p: string) {
  const put = db.prepare<PhoneCodeRecord>(
    `INSERT INTO ${p}phone_codes (user_id, purpose, code_hash, created_at, expires_at)
     VALUES (@userId, @purpose, @codeHash, @createdAt, @expiresAt)
     ON CONFLICT (user_id, purpose) DO UPDATE SET
       code_hash = excluded.code_hash, created_at = excluded.created_at, expires_at = excluded.expires_at`,
  );
  // Comparing the hash in SQL leaks nothing useful: it is a keyed hash the attacker cannot compute.
  const consume = db.prepare<[string, string, string, number]>(
    `DELETE FROM ${p}phone_codes WHERE user_id = ? AND purpose = ? AND code_hash = ? AND expires_at > ?`,
  );
  return {
    putPhoneCode: (record: PhoneCodeRecord): void => {
      put.run({ userId: record.userId, purpose: record.purpose, codeHash: record.codeHash, createdAt: record.createdAt, expiresAt: record.expiresAt });
    },
    consumePhoneCode: (userId: string, purpose: string, codeHash: string, now: number): boolean =>
      consume.run(userId, purpose, codeHash, now).changes === 1,
  };
}
