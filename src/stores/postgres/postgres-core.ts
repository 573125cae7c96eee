import type { CoreStore, FactorRecord, FailurePolicy, LockoutState } from '../facets/core.js';
import { NO_LOCKOUT } from '../facets/core.js';
import { selectList, statement } from './pg-db.js';
import type { PgDb } from './pg-db.js';
import { lockUser } from './postgres-locks.js';
import type { PostgresNames } from './postgres-names.js';

const FACTOR = selectList({
  id: 'id', userId: 'user_id', type: 'type', label: 'label', sealedSecret: 'sealed_secret', data: 'data',
  createdAt: 'created_at', confirmedAt: 'confirmed_at', lastUsedAt: 'last_used_at', lastStep: 'last_step', preferredAt: 'preferred_at',
});
const LOCKOUT = selectList({ failures: 'failures', lockedUntil: 'locked_until', hardLocked: 'hard_locked' });

/**
 * PostgresStore's core facet. Each atomic operation is one statement: a conditional UPDATE
 * (PostgreSQL re-checks its WHERE on the newest row version after waiting for a concurrent
 * writer, so exactly one of many parallel callers changes the row) or an upsert.
 */
export class PostgresCore implements CoreStore {
  readonly #db: PgDb;
  readonly #n: PostgresNames;
  readonly #sql: ReturnType<typeof statements>;

  constructor(db: PgDb, n: PostgresNames) {
    this.#db = db;
    this.#n = n;
    this.#sql = statements(n);
  }

  async createFactor(f: FactorRecord): Promise<void> {
    await this.#db.count(this.#sql.insertFactor, [
      f.id, f.userId, f.type, f.label, f.sealedSecret, JSON.stringify(f.data), f.createdAt, f.confirmedAt, f.lastUsedAt, f.lastStep, f.preferredAt ?? null,
    ]);
  }

  async getFactor(id: string): Promise<FactorRecord | null> {
    const [row] = await this.#db.rows<FactorRecord>(this.#sql.getFactor, [id]);
    return row ? toFactor(row) : null;
  }

  async listFactors(userId: string): Promise<FactorRecord[]> {
    return (await this.#db.rows<FactorRecord>(this.#sql.listFactors, [userId])).map(toFactor);
  }

  deleteFactorUnlessLast(userId: string, id: string): Promise<'deleted' | 'not_found' | 'last'> {
    // Under READ COMMITTED two DELETEs of a user's last two factors would each still see the
    // other's row: the user's lock makes the second wait for the first and then see it gone.
    return this.#db.transaction(async (tx) => {
      await lockUser(tx, this.#n, 'factors', userId);
      if ((await tx.count(this.#sql.deleteUnlessLast, [id, userId])) === 1) return 'deleted';
      return (await tx.count(this.#sql.ownFactor, [id, userId])) === 1 ? 'last' : 'not_found';
    });
  }

  async renameFactor(userId: string, id: string, label: string): Promise<boolean> {
    return (await this.#db.count(this.#sql.renameFactor, [label, id, userId])) === 1;
  }

  async preferFactor(userId: string, id: string, now: number): Promise<boolean> {
    return (await this.#db.count(this.#sql.preferFactor, [now, id, userId])) === 1;
  }

  async confirmFactor(userId: string, id: string, now: number): Promise<boolean> {
    return (await this.#db.count(this.#sql.confirmFactor, [now, id, userId])) === 1;
  }

  async deleteFactor(userId: string, id: string): Promise<boolean> {
    return (await this.#db.count(this.#sql.deleteFactor, [id, userId])) === 1;
  }

  deleteUnconfirmedFactors(userId: string, createdBefore?: number): Promise<number> {
    return this.#db.count(this.#sql.deleteUnconfirmed, [userId, createdBefore ?? null]);
  }

  async consumeTimeStep(factorId: string, step: number, now: number): Promise<boolean> {
    return (await this.#db.count(this.#sql.consumeTimeStep, [step, now, factorId])) === 1;
  }

  async getLockout(userId: string): Promise<LockoutState> {
    return (await this.#db.rows<LockoutState>(this.#sql.getLockout, [userId]))[0] ?? { ...NO_LOCKOUT };
  }

  async recordFailure(userId: string, policy: FailurePolicy): Promise<LockoutState> {
    const [state] = await this.#db.rows<LockoutState>(this.#sql.recordFailure, [userId, policy.now, policy.threshold, policy.lockMs, policy.hardLimit]);
    return state!;
  }

  async resetFailures(userId: string): Promise<void> {
    await this.#db.count(this.#sql.deleteLockout, [userId]);
  }
}

function statements(n: PostgresNames) {
  const factors = n.table('factors');
  const lockouts = n.table('lockouts');
  return {
    insertFactor: statement(
      `INSERT INTO ${factors} (id, user_id, type, label, sealed_secret, data, created_at, confirmed_at, last_used_at, last_step, preferred_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11)`,
    ),
    getFactor: statement(`SELECT ${FACTOR} FROM ${factors} WHERE id = $1`),
    listFactors: statement(`SELECT ${FACTOR} FROM ${factors} WHERE user_id = $1 ORDER BY created_at, seq`),
    confirmFactor: statement(`UPDATE ${factors} SET confirmed_at = $1 WHERE id = $2 AND user_id = $3 AND confirmed_at IS NULL`),
    deleteFactor: statement(`DELETE FROM ${factors} WHERE id = $1 AND user_id = $2`),
    deleteUnlessLast: statement(
      `DELETE FROM ${factors} WHERE id = $1 AND user_id = $2 AND (confirmed_at IS NULL
         OR EXISTS (SELECT 1 FROM ${factors} WHERE user_id = $2 AND id <> $1 AND confirmed_at IS NOT NULL))`,
    ),
    ownFactor: statement(`SELECT 1 FROM ${factors} WHERE id = $1 AND user_id = $2`),
    renameFactor: statement(`UPDATE ${factors} SET label = $1 WHERE id = $2 AND user_id = $3 AND confirmed_at IS NOT NULL`),
    preferFactor: statement(`UPDATE ${factors} SET preferred_at = $1 WHERE id = $2 AND user_id = $3 AND confirmed_at IS NOT NULL`),
    deleteUnconfirmed: statement(
      `DELETE FROM ${factors} WHERE user_id = $1 AND confirmed_at IS NULL AND ($2::bigint IS NULL OR created_at < $2::bigint)`,
    ),
    consumeTimeStep: statement(
      `UPDATE ${factors} SET last_step = $1, last_used_at = $2 WHERE id = $3 AND (last_step IS NULL OR last_step < $1)`,
    ),
    getLockout: statement(`SELECT ${LOCKOUT} FROM ${lockouts} WHERE user_id = $1`),
    // nextLockout() in one upsert: the row lock taken by ON CONFLICT serialises parallel failures,
    // and each computes from the count the previous one left. $2 now, $3 threshold, $4 lockMs, $5 hardLimit.
    recordFailure: statement(
      `INSERT INTO ${lockouts} AS l (user_id, failures, locked_until, hard_locked)
       VALUES ($1, 1, CASE WHEN 1 >= $5::int THEN NULL WHEN 1 % $3::int = 0 THEN $2::bigint + $4::bigint END, 1 >= $5::int)
       ON CONFLICT (user_id) DO UPDATE SET
         failures     = l.failures + 1,
         locked_until = CASE WHEN l.failures + 1 >= $5::int THEN NULL
                             WHEN (l.failures + 1) % $3::int = 0 THEN $2::bigint + $4::bigint
                             ELSE l.locked_until END,
         hard_locked  = l.hard_locked OR l.failures + 1 >= $5::int
       RETURNING ${LOCKOUT}`,
    ),
    deleteLockout: statement(`DELETE FROM ${lockouts} WHERE user_id = $1`),
  };
}

/** A never-chosen factor comes back without `preferredAt`, as it was created. */
function toFactor(row: FactorRecord): FactorRecord {
  if (row.preferredAt !== null) return row;
  const { preferredAt: _never, ...factor } = row;
  return factor;
}
