import type { RecoveryCodeStore } from '../facets/recovery-codes.js';
import { statement } from './pg-db.js';
import type { PgDb } from './pg-db.js';
import { lockUser } from './postgres-locks.js';
import type { PostgresNames } from './postgres-names.js';

/** PostgresStore's recovery codes (digests only): replacing a set is one transaction under the user's advisory lock. */
export class PostgresRecoveryCodes implements RecoveryCodeStore {
  readonly #db: PgDb;
  readonly #n: PostgresNames;
  readonly #sql: ReturnType<typeof statements>;

  constructor(db: PgDb, n: PostgresNames) {
    this.#db = db;
    this.#n = n;
    this.#sql = statements(n);
  }

  async replace(userId: string, digests: readonly string[]): Promise<void> {
    // The lock keeps two parallel replacements from both deleting before either inserts (a mix of both sets).
    await this.#db.transaction(async (tx) => {
      await lockUser(tx, this.#n, 'recovery-codes', userId);
      await tx.count(this.#sql.deleteAll, [userId]);
      // A repeated digest violates the primary key: the whole transaction, the delete too, rolls back.
      if (digests.length > 0) await tx.count(this.#sql.insertAll, [userId, [...digests]]);
    });
  }

  async consume(userId: string, digest: string): Promise<boolean> {
    return (await this.#db.count(this.#sql.consume, [userId, digest])) === 1;
  }

  async countRemaining(userId: string): Promise<number> {
    return (await this.#db.rows<{ n: number }>(this.#sql.count, [userId]))[0]!.n;
  }
}

function statements(n: PostgresNames) {
  const t = n.table('recovery_codes');
  return {
    deleteAll: statement(`DELETE FROM ${t} WHERE user_id = $1`),
    insertAll: statement(`INSERT INTO ${t} (user_id, digest) SELECT $1, unnest($2::text[])`),
    consume: statement(`DELETE FROM ${t} WHERE user_id = $1 AND digest = $2`),
    count: statement(`SELECT count(*) AS n FROM ${t} WHERE user_id = $1`),
  };
}
