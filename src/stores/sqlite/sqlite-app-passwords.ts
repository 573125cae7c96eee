import type Database from 'better-sqlite3';
import type { AppPasswordRecord, AppPasswordStore } from '../facets/app-passwords.js';

interface AppPasswordRow {
  id: string;
  user_id: string;
  name: string;
  hash: string;
  scope: string | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
}

const COLUMNS = 'id, user_id, name, hash, scope, created_at, expires_at, last_used_at';

/**
 * SqliteStore's app-passwords facet (table `app_passwords`, schema migration 3). Every "atomic" method
 * is one statement or an IMMEDIATE transaction, so it holds across processes sharing the file.
 */
export class SqliteAppPasswords implements AppPasswordStore {
  readonly #sql: ReturnType<typeof prepare>;
  readonly #create: (record: AppPasswordRecord, maxPerUser: number, now: number) => boolean;

  constructor(db: Database.Database, prefix: string) {
    this.#sql = prepare(db, prefix);
    // IMMEDIATE takes the write lock before counting, so parallel creations cannot all see room.
    this.#create = db.transaction((record: AppPasswordRecord, maxPerUser: number, now: number): boolean => {
      this.#sql.deleteExpired.run(record.userId, now);
      if (this.#sql.count.get(record.userId)!.n >= maxPerUser) return false;
      this.#sql.insert.run(
        record.id, record.userId, record.name, record.hash,
        record.scope === null ? null : JSON.stringify(record.scope),
        record.createdAt, record.expiresAt, record.lastUsedAt,
      );
      return true;
    }).immediate;
  }

  async create(record: AppPasswordRecord, limit: { maxPerUser: number; now: number }): Promise<boolean> {
    return this.#create(record, limit.maxPerUser, limit.now);
  }

  async findByHash(hash: string): Promise<AppPasswordRecord | null> {
    const row = this.#sql.findByHash.get(hash);
    return row ? toRecord(row) : null;
  }

  async list(userId: string): Promise<AppPasswordRecord[]> {
    return this.#sql.list.all(userId).map(toRecord);
  }

  async touch(id: string, now: number): Promise<void> {
    this.#sql.touch.run(now, id);
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return this.#sql.deleteOne.run(id, userId).changes === 1;
  }

  async deleteAll(userId: string): Promise<number> {
    return this.#sql.deleteAll.run(userId).changes;
  }
}

function prepare(db: Database.Database, p: string) {
  return {
    insert: db.prepare<unknown[]>(`INSERT INTO ${p}app_passwords (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    deleteExpired: db.prepare<[string, number]>(
      `DELETE FROM ${p}app_passwords WHERE user_id = ? AND expires_at IS NOT NULL AND expires_at <= ?`,
    ),
    count: db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM ${p}app_passwords WHERE user_id = ?`),
    findByHash: db.prepare<[string], AppPasswordRow>(`SELECT ${COLUMNS} FROM ${p}app_passwords WHERE hash = ?`),
    list: db.prepare<[string], AppPasswordRow>(
      `SELECT ${COLUMNS} FROM ${p}app_passwords WHERE user_id = ? ORDER BY created_at, rowid`,
    ),
    touch: db.prepare<[number, string]>(`UPDATE ${p}app_passwords SET last_used_at = ? WHERE id = ?`),
    deleteOne: db.prepare<[string, string]>(`DELETE FROM ${p}app_passwords WHERE id = ? AND user_id = ?`),
    deleteAll: db.prepare<[string]>(`DELETE FROM ${p}app_passwords WHERE user_id = ?`),
  };
}

function toRecord(row: AppPasswordRow): AppPasswordRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    hash: row.hash,
    scope: row.scope === null ? null : (JSON.parse(row.scope) as string[]),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}
