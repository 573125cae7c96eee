import type Database from 'better-sqlite3';
import type { CoreStore, FactorRecord, FailurePolicy, LockoutState } from '../facets/core.js';
import { nextLockout, NO_LOCKOUT } from '../facets/core.js';

interface FactorRow {
  id: string;
  user_id: string;
  type: string;
  label: string;
  sealed_secret: string | null;
  data: string;
  created_at: number;
  confirmed_at: number | null;
  last_used_at: number | null;
  last_step: number | null;
  preferred_at: number | null;
}

interface LockoutRow {
  failures: number;
  locked_until: number | null;
  hard_locked: number;
}

/**
 * SqliteStore's core facet (tables `factors` and `lockouts`, schema migrations 1 and 7). Every atomic
 * operation is one conditional statement or an IMMEDIATE transaction, so it holds across all
 * processes that open the same file, not only within this one.
 */
export class SqliteCore implements CoreStore {
  readonly #sql: ReturnType<typeof prepareStatements>;
  readonly #recordFailure: (userId: string, policy: FailurePolicy) => LockoutState;
  readonly #deleteUnlessLast: (userId: string, id: string) => 'deleted' | 'not_found' | 'last';

  constructor(db: Database.Database, prefix: string) {
    this.#sql = prepareStatements(db, prefix);
    // Read-modify-write of the counter: IMMEDIATE takes the write lock before the read, so a
    // failure counted by another process in between cannot be lost.
    this.#recordFailure = db.transaction((userId: string, policy: FailurePolicy) => {
      const next = nextLockout(this.#readLockout(userId), policy);
      this.#sql.upsertLockout.run(userId, next.failures, next.lockedUntil, next.hardLocked ? 1 : 0);
      return next;
    }).immediate;
    // The DELETE alone is atomic; the transaction only tells "not found" from "last" after it.
    this.#deleteUnlessLast = db.transaction((userId: string, id: string) => {
      if (this.#sql.deleteUnlessLast.run({ id, userId }).changes === 1) return 'deleted' as const;
      return this.#sql.getFactor.get(id)?.user_id === userId ? ('last' as const) : ('not_found' as const);
    }).immediate;
  }

  async createFactor(factor: FactorRecord): Promise<void> {
    this.#sql.insertFactor.run(
      factor.id,
      factor.userId,
      factor.type,
      factor.label,
      factor.sealedSecret,
      JSON.stringify(factor.data),
      factor.createdAt,
      factor.confirmedAt,
      factor.lastUsedAt,
      factor.lastStep,
      factor.preferredAt ?? null,
    );
  }

  async getFactor(id: string): Promise<FactorRecord | null> {
    const row = this.#sql.getFactor.get(id);
    return row ? toFactor(row) : null;
  }

  async listFactors(userId: string): Promise<FactorRecord[]> {
    return this.#sql.listFactors.all(userId).map(toFactor);
  }

  async confirmFactor(userId: string, id: string, now: number): Promise<boolean> {
    return this.#sql.confirmFactor.run(now, id, userId).changes === 1;
  }

  async deleteFactor(userId: string, id: string): Promise<boolean> {
    return this.#sql.deleteFactor.run(id, userId).changes === 1;
  }

  async deleteFactorUnlessLast(userId: string, id: string): Promise<'deleted' | 'not_found' | 'last'> {
    return this.#deleteUnlessLast(userId, id);
  }

  async renameFactor(userId: string, id: string, label: string): Promise<boolean> {
    return this.#sql.renameFactor.run(label, id, userId).changes === 1;
  }

  async preferFactor(userId: string, id: string, now: number): Promise<boolean> {
    return this.#sql.preferFactor.run(now, id, userId).changes === 1;
  }

  async deleteUnconfirmedFactors(userId: string, createdBefore?: number): Promise<number> {
    return this.#sql.deleteUnconfirmed.run({ userId, createdBefore: createdBefore ?? null }).changes;
  }

  async consumeTimeStep(factorId: string, step: number, now: number): Promise<boolean> {
    return this.#sql.consumeTimeStep.run(step, now, factorId, step).changes === 1;
  }

  async getLockout(userId: string): Promise<LockoutState> {
    return this.#readLockout(userId);
  }

  async recordFailure(userId: string, policy: FailurePolicy): Promise<LockoutState> {
    return this.#recordFailure(userId, policy);
  }

  async resetFailures(userId: string): Promise<void> {
    this.#sql.deleteLockout.run(userId);
  }

  #readLockout(userId: string): LockoutState {
    const row = this.#sql.getLockout.get(userId);
    if (!row) return { ...NO_LOCKOUT };
    return { failures: row.failures, lockedUntil: row.locked_until, hardLocked: row.hard_locked === 1 };
  }
}

function prepareStatements(db: Database.Database, p: string) {
  const columns =
    'id, user_id, type, label, sealed_secret, data, created_at, confirmed_at, last_used_at, last_step, preferred_at';
  return {
    insertFactor: db.prepare<unknown[]>(
      `INSERT INTO ${p}factors (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    getFactor: db.prepare<[string], FactorRow>(`SELECT ${columns} FROM ${p}factors WHERE id = ?`),
    // rowid breaks ties in insertion order, as the memory store's stable sort does.
    listFactors: db.prepare<[string], FactorRow>(
      `SELECT ${columns} FROM ${p}factors WHERE user_id = ? ORDER BY created_at, rowid`,
    ),
    confirmFactor: db.prepare<[number, string, string]>(
      `UPDATE ${p}factors SET confirmed_at = ? WHERE id = ? AND user_id = ? AND confirmed_at IS NULL`,
    ),
    deleteFactor: db.prepare<[string, string]>(`DELETE FROM ${p}factors WHERE id = ? AND user_id = ?`),
    deleteUnlessLast: db.prepare<{ id: string; userId: string }>(
      `DELETE FROM ${p}factors WHERE id = @id AND user_id = @userId AND (confirmed_at IS NULL
         OR EXISTS (SELECT 1 FROM ${p}factors WHERE user_id = @userId AND id <> @id AND confirmed_at IS NOT NULL))`,
    ),
    renameFactor: db.prepare<[string, string, string]>(
      `UPDATE ${p}factors SET label = ? WHERE id = ? AND user_id = ? AND confirmed_at IS NOT NULL`,
    ),
    preferFactor: db.prepare<[number, string, string]>(
      `UPDATE ${p}factors SET preferred_at = ? WHERE id = ? AND user_id = ? AND confirmed_at IS NOT NULL`,
    ),
    deleteUnconfirmed: db.prepare<{ userId: string; createdBefore: number | null }>(
      `DELETE FROM ${p}factors WHERE user_id = @userId AND confirmed_at IS NULL
         AND (@createdBefore IS NULL OR created_at < @createdBefore)`,
    ),
    // One statement: SQLite serialises writers, so of N concurrent callers exactly one sees the
    // condition hold; the rest change no row.
    consumeTimeStep: db.prepare<[number, number, string, number]>(
      `UPDATE ${p}factors SET last_step = ?, last_used_at = ? WHERE id = ? AND (last_step IS NULL OR last_step < ?)`,
    ),
    getLockout: db.prepare<[string], LockoutRow>(
      `SELECT failures, locked_until, hard_locked FROM ${p}lockouts WHERE user_id = ?`,
    ),
    upsertLockout: db.prepare<[string, number, number | null, number]>(
      `INSERT INTO ${p}lockouts (user_id, failures, locked_until, hard_locked) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET
         failures = excluded.failures, locked_until = excluded.locked_until, hard_locked = excluded.hard_locked`,
    ),
    deleteLockout: db.prepare<[string]>(`DELETE FROM ${p}lockouts WHERE user_id = ?`),
  };
}

function toFactor(row: FactorRow): FactorRecord {
  return {
    id: row.id,
    userId: row.user_id,
    type: row.type,
    label: row.label,
    sealedSecret: row.sealed_secret,
    data: JSON.parse(row.data) as Record<string, unknown>,
    createdAt: row.created_at,
    confirmedAt: row.confirmed_at,
    lastUsedAt: row.last_used_at,
    lastStep: row.last_step,
    ...(row.preferred_at === null ? {} : { preferredAt: row.preferred_at }),
  };
}
