import type Database from 'better-sqlite3';
import { SqliteAppPasswords } from './sqlite-app-passwords.js';
import { migrate } from './sqlite-migrations.js';
import { openSqlite } from './sqlite-open.js';
import { SqlitePhoneCodes } from './sqlite-phone-codes.js';
import { SqliteRateLimits } from './sqlite-rate-limits.js';
import { SqlitePushData } from './sqlite-push.js';
import type { PublicJwk, PushChallengeRecord, PushDeviceRecord, PushResolution, PushSubscriptionRecord } from './push-records.js';
import { nextLockout, NO_LOCKOUT } from './store.js';
import type { AppPasswordRecord, FactorRecord, FailurePolicy, LockoutState, MfaStore, PhoneCodeRecord, RateLimitHit, RateLimitState } from './store.js';

export interface SqliteStoreOptions {
  /**
   * Path of the database file; it is created if missing, but its directory must exist. Several
   * processes (app instances) may share one file. `':memory:'` gives a private in-memory
   * database that nothing else can see and that is gone on close: for tests only.
   * Required.
   */
  filename: string;
  /**
   * Prepended to every table name, so the store can live in the host app's own database.
   * Letters, digits and underscores, not starting with a digit.
   * @default 'mfa_'
   */
  tablePrefix?: string;
  /**
   * How long a write waits for another connection's lock before failing (SQLITE_BUSY), in
   * milliseconds. A non-negative integer.
   * @default 5000
   */
  busyTimeoutMs?: number;
}

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
}

interface LockoutRow {
  failures: number;
  locked_until: number | null;
  hard_locked: number;
}

/**
 * Persists factors and lockouts in a SQLite database via better-sqlite3. Every "atomic"
 * operation is a single conditional statement or an IMMEDIATE transaction, so it holds across
 * all processes that open the same file, not only within this one.
 */
export class SqliteStore implements MfaStore {
  readonly #db: Database.Database;
  readonly #recordFailure: (userId: string, policy: FailurePolicy) => LockoutState;
  readonly #sql: ReturnType<typeof prepareStatements>;
  readonly #rateLimits: SqliteRateLimits;
  readonly #phoneCodes: SqlitePhoneCodes;
  readonly #appPasswords: SqliteAppPasswords;
  readonly #push: SqlitePushData;

  constructor(options: SqliteStoreOptions) {
    const { db, tablePrefix } = openSqlite(options);
    this.#db = db;
    try {
      migrate(this.#db, tablePrefix);
      this.#sql = prepareStatements(this.#db, tablePrefix);
      this.#rateLimits = new SqliteRateLimits(this.#db, tablePrefix);
      this.#phoneCodes = new SqlitePhoneCodes(this.#db, tablePrefix);
      this.#appPasswords = new SqliteAppPasswords(this.#db, tablePrefix);
      this.#push = new SqlitePushData(this.#db, tablePrefix);
    } catch (error) {
      this.#db.close();
      throw error;
    }
    // Read-modify-write of the counter: IMMEDIATE takes the write lock before the read, so a
    // failure counted by another process in between cannot be lost.
    this.#recordFailure = this.#db.transaction((userId: string, policy: FailurePolicy) => {
      const next = nextLockout(this.#readLockout(userId), policy);
      this.#sql.upsertLockout.run(userId, next.failures, next.lockedUntil, next.hardLocked ? 1 : 0);
      return next;
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

  async close(): Promise<void> {
    this.#db.close();
  }

  // ---- Rate limits (sqlite-rate-limits.ts) ----

  async getRateLimit(key: string, now: number): Promise<RateLimitState> {
    return this.#rateLimits.get(key, now);
  }

  async hitRateLimit(key: string, windowMs: number, now: number, limit?: number): Promise<RateLimitHit> {
    return this.#rateLimits.hit(key, windowMs, now, limit);
  }

  async deleteRateLimit(key: string): Promise<void> {
    this.#rateLimits.delete(key);
  }

  // ---- Phone codes (sqlite-phone-codes.ts) ----

  async putPhoneCode(record: PhoneCodeRecord): Promise<void> {
    this.#phoneCodes.put(record);
  }

  async consumePhoneCode(userId: string, purpose: string, codeHash: string, now: number): Promise<boolean> {
    return this.#phoneCodes.consume(userId, purpose, codeHash, now);
  }

  // ---- App passwords (sqlite-app-passwords.ts) ----

  async createAppPassword(record: AppPasswordRecord, limit: { maxPerUser: number; now: number }): Promise<boolean> {
    return this.#appPasswords.create(record, limit);
  }

  async findAppPasswordByHash(hash: string): Promise<AppPasswordRecord | null> {
    return this.#appPasswords.findByHash(hash);
  }

  async listAppPasswords(userId: string): Promise<AppPasswordRecord[]> {
    return this.#appPasswords.list(userId);
  }

  async touchAppPassword(id: string, now: number): Promise<void> {
    this.#appPasswords.touch(id, now);
  }

  async deleteAppPassword(userId: string, id: string): Promise<boolean> {
    return this.#appPasswords.delete(userId, id);
  }

  async deleteAppPasswords(userId: string): Promise<number> {
    return this.#appPasswords.deleteAll(userId);
  }
  // ───────────── Push notifications: statements in SqlitePushData ─────────────
  async createPushDevice(device: PushDeviceRecord): Promise<void> { this.#push.createPushDevice(device); }
  async getPushDevice(id: string): Promise<PushDeviceRecord | null> { return this.#push.getPushDevice(id); }
  async activatePushDevice(id: string, activation: { publicKey: PublicJwk; name: string | null; now: number }): Promise<boolean> { return this.#push.activatePushDevice(id, activation); }
  async setPushDevicePin(id: string, pinHash: string | null): Promise<boolean> { return this.#push.setPushDevicePin(id, pinHash); }
  async disablePushDevice(id: string, now: number): Promise<void> { this.#push.disablePushDevice(id, now); }
  async createPushChallenge(challenge: PushChallengeRecord): Promise<void> { this.#push.createPushChallenge(challenge); }
  async getPushChallenge(id: string): Promise<PushChallengeRecord | null> { return this.#push.getPushChallenge(id); }
  async listOpenPushChallenges(userId: string, now: number): Promise<PushChallengeRecord[]> { return this.#push.listOpenPushChallenges(userId, now); }
  async resolvePushChallenge(id: string, resolution: PushResolution): Promise<boolean> { return this.#push.resolvePushChallenge(id, resolution); }
  async consumePushChallenge(id: string, now: number): Promise<boolean> { return this.#push.consumePushChallenge(id, now); }
  async listUnseenFraudReports(userId: string): Promise<PushChallengeRecord[]> { return this.#push.listUnseenFraudReports(userId); }
  async markFraudReportsSeen(userId: string, now: number): Promise<void> { this.#push.markFraudReportsSeen(userId, now); }
  async consumeNonce(scope: string, nonce: string, expiresAt: number, now: number): Promise<boolean> { return this.#push.consumeNonce(scope, nonce, expiresAt, now); }
  async putPushSubscription(subscription: PushSubscriptionRecord): Promise<void> { this.#push.putPushSubscription(subscription); }
  async listPushSubscriptions(userId: string): Promise<PushSubscriptionRecord[]> { return this.#push.listPushSubscriptions(userId); }
  async deletePushSubscription(deviceId: string, endpoint?: string): Promise<boolean> { return this.#push.deletePushSubscription(deviceId, endpoint); }

  #readLockout(userId: string): LockoutState {
    const row = this.#sql.getLockout.get(userId);
    if (!row) return { ...NO_LOCKOUT };
    return { failures: row.failures, lockedUntil: row.locked_until, hardLocked: row.hard_locked === 1 };
  }
}

function prepareStatements(db: Database.Database, p: string) {
  const columns =
    'id, user_id, type, label, sealed_secret, data, created_at, confirmed_at, last_used_at, last_step';
  return {
    insertFactor: db.prepare<unknown[]>(
      `INSERT INTO ${p}factors (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
  };
}
