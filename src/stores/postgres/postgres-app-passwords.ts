import type { AppPasswordRecord, AppPasswordStore } from '../facets/app-passwords.js';
import { selectList, statement } from './pg-db.js';
import type { PgDb } from './pg-db.js';
import { lockUser } from './postgres-locks.js';
import type { PostgresNames } from './postgres-names.js';

const RECORD = selectList({
  id: 'id', userId: 'user_id', name: 'name', hash: 'hash', scope: 'scope',
  createdAt: 'created_at', expiresAt: 'expires_at', lastUsedAt: 'last_used_at',
});

/** PostgresStore's app passwords; creating one is a short transaction under the user's advisory lock. */
export class PostgresAppPasswords implements AppPasswordStore {
  readonly #db: PgDb;
  readonly #n: PostgresNames;
  readonly #sql: ReturnType<typeof statements>;

  constructor(db: PgDb, n: PostgresNames) {
    this.#db = db;
    this.#n = n;
    this.#sql = statements(n);
  }

  create(r: AppPasswordRecord, limit: { maxPerUser: number; now: number }): Promise<boolean> {
    // Without the lock, parallel transactions would all count the same rows and all find room.
    return this.#db.transaction(async (tx) => {
      await lockUser(tx, this.#n, 'app-passwords', r.userId);
      await tx.count(this.#sql.deleteExpired, [r.userId, limit.now]);
      const inserted = await tx.count(this.#sql.insertIfRoom, [
        r.id, r.userId, r.name, r.hash, r.scope === null ? null : JSON.stringify(r.scope), r.createdAt, r.expiresAt, r.lastUsedAt, limit.maxPerUser,
      ]);
      return inserted === 1;
    });
  }

  async findByHash(hash: string): Promise<AppPasswordRecord | null> {
    return (await this.#db.rows<AppPasswordRecord>(this.#sql.findByHash, [hash]))[0] ?? null;
  }

  list(userId: string): Promise<AppPasswordRecord[]> {
    return this.#db.rows<AppPasswordRecord>(this.#sql.list, [userId]);
  }

  async touch(id: string, now: number): Promise<void> {
    await this.#db.count(this.#sql.touch, [now, id]);
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return (await this.#db.count(this.#sql.deleteOne, [id, userId])) === 1;
  }

  deleteAll(userId: string): Promise<number> {
    return this.#db.count(this.#sql.deleteAll, [userId]);
  }
}

function statements(n: PostgresNames) {
  const t = n.table('app_passwords');
  return {
    deleteExpired: statement(`DELETE FROM ${t} WHERE user_id = $1 AND expires_at IS NOT NULL AND expires_at <= $2`),
    insertIfRoom: statement(
      `INSERT INTO ${t} (id, user_id, name, hash, scope, created_at, expires_at, last_used_at)
       SELECT $1, $2, $3, $4, $5::jsonb, $6, $7, $8
       WHERE (SELECT count(*) FROM ${t} WHERE user_id = $2) < $9::int`,
    ),
    findByHash: statement(`SELECT ${RECORD} FROM ${t} WHERE hash = $1`),
    list: statement(`SELECT ${RECORD} FROM ${t} WHERE user_id = $1 ORDER BY created_at, seq`),
    touch: statement(`UPDATE ${t} SET last_used_at = $1 WHERE id = $2`),
    deleteOne: statement(`DELETE FROM ${t} WHERE id = $1 AND user_id = $2`),
    deleteAll: statement(`DELETE FROM ${t} WHERE user_id = $1`),
  };
}
