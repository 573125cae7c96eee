import { nextLockout, nextRateLimit, NO_LOCKOUT, NO_RATE_LIMIT } from './store.js';
import type { AppPasswordRecord, FactorRecord, FailurePolicy, LockoutState, MfaStore, PhoneCodeRecord, RateLimitHit, RateLimitState } from './store.js';
import { MemoryPushData } from './memory-push.js';
import { oldestFirst } from './oldest-first.js';
import type { PublicJwk, PushChallengeRecord, PushDeviceRecord, PushResolution, PushSubscriptionRecord } from './push-records.js';

export interface MemoryStoreOptions {
  /**
   * Called once at construction with a warning that data is lost on restart and not shared
   * between processes. @default console.warn
   */
  warn?: (message: string) => void;
}

/**
 * Keeps everything in this process's memory: for tests and development only. Each method runs
 * synchronously to completion, which is what makes its "atomic" operations atomic.
 */
export class MemoryStore implements MfaStore {
  #factors = new Map<string, FactorRecord>();
  #lockouts = new Map<string, LockoutState>();
  #rateLimits = new Map<string, RateLimitState>();
  #phoneCodes = new Map<string, PhoneCodeRecord>();
  #appPasswords = new Map<string, AppPasswordRecord>();
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    (options.warn ?? console.warn)(
      'passport-mfa: MemoryStore keeps factors and lockouts in memory only. They are lost on restart and ' +
        'not shared between instances. Use SqliteStore (or another persistent store) in production.',
    );
  }

  async createFactor(factor: FactorRecord): Promise<void> {
    this.#open();
    if (this.#factors.has(factor.id)) throw new Error(`factor ${factor.id} already exists`);
    this.#factors.set(factor.id, structuredClone(factor));
  }

  async getFactor(id: string): Promise<FactorRecord | null> {
    this.#open();
    const factor = this.#factors.get(id);
    return factor ? structuredClone(factor) : null;
  }

  async listFactors(userId: string): Promise<FactorRecord[]> {
    this.#open();
    return oldestFirst(this.#factors.values(), userId);
  }

  async confirmFactor(userId: string, id: string, now: number): Promise<boolean> {
    this.#open();
    const factor = this.#factors.get(id);
    if (!factor || factor.userId !== userId || factor.confirmedAt !== null) return false;
    factor.confirmedAt = now;
    return true;
  }

  async deleteFactor(userId: string, id: string): Promise<boolean> {
    this.#open();
    const factor = this.#factors.get(id);
    if (!factor || factor.userId !== userId) return false;
    return this.#factors.delete(id);
  }

  async deleteUnconfirmedFactors(userId: string, createdBefore?: number): Promise<number> {
    this.#open();
    let deleted = 0;
    for (const factor of this.#factors.values()) {
      const stale = createdBefore === undefined || factor.createdAt < createdBefore;
      if (factor.userId === userId && factor.confirmedAt === null && stale) {
        this.#factors.delete(factor.id);
        deleted++;
      }
    }
    return deleted;
  }

  async consumeTimeStep(factorId: string, step: number, now: number): Promise<boolean> {
    this.#open();
    const factor = this.#factors.get(factorId);
    if (!factor || (factor.lastStep !== null && step <= factor.lastStep)) return false;
    factor.lastStep = step;
    factor.lastUsedAt = now;
    return true;
  }

  async getLockout(userId: string): Promise<LockoutState> {
    this.#open();
    return { ...(this.#lockouts.get(userId) ?? NO_LOCKOUT) };
  }

  async recordFailure(userId: string, policy: FailurePolicy): Promise<LockoutState> {
    this.#open();
    const next = nextLockout(this.#lockouts.get(userId) ?? NO_LOCKOUT, policy);
    this.#lockouts.set(userId, next);
    return { ...next };
  }

  async resetFailures(userId: string): Promise<void> {
    this.#open();
    this.#lockouts.delete(userId);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  // ---- Rate limits ----

  async getRateLimit(key: string, now: number): Promise<RateLimitState> {
    this.#open();
    const state = this.#rateLimits.get(key);
    return state && state.resetAt !== null && state.resetAt > now ? { ...state } : { ...NO_RATE_LIMIT };
  }

  async hitRateLimit(key: string, windowMs: number, now: number, limit?: number): Promise<RateLimitHit> {
    this.#open();
    const hit = nextRateLimit(this.#rateLimits.get(key) ?? NO_RATE_LIMIT, windowMs, now, limit);
    this.#rateLimits.set(key, { count: hit.count, resetAt: hit.resetAt });
    return hit;
  }

  async deleteRateLimit(key: string): Promise<void> {
    this.#open();
    this.#rateLimits.delete(key);
  }

  // ---- Phone codes ----

  async putPhoneCode(record: PhoneCodeRecord): Promise<void> {
    this.#open();
    this.#phoneCodes.set(JSON.stringify([record.userId, record.purpose]), { ...record });
  }

  async consumePhoneCode(userId: string, purpose: string, codeHash: string, now: number): Promise<boolean> {
    this.#open();
    const key = JSON.stringify([userId, purpose]);
    const code = this.#phoneCodes.get(key);
    if (!code || code.codeHash !== codeHash || now >= code.expiresAt) return false;
    return this.#phoneCodes.delete(key);
  }

  // ---- App passwords ----

  async createAppPassword(record: AppPasswordRecord, limit: { maxPerUser: number; now: number }): Promise<boolean> {
    this.#open();
    if (this.#appPasswords.has(record.id)) throw new Error(`app password ${record.id} already exists`);
    if ([...this.#appPasswords.values()].some((p) => p.hash === record.hash)) throw new Error('app password hash already exists');
    let count = 0;
    for (const p of this.#appPasswords.values()) {
      if (p.userId !== record.userId) continue;
      if (p.expiresAt !== null && p.expiresAt <= limit.now) this.#appPasswords.delete(p.id);
      else count++;
    }
    if (count >= limit.maxPerUser) return false;
    this.#appPasswords.set(record.id, structuredClone(record));
    return true;
  }

  async findAppPasswordByHash(hash: string): Promise<AppPasswordRecord | null> {
    this.#open();
    for (const p of this.#appPasswords.values()) if (p.hash === hash) return structuredClone(p);
    return null;
  }

  async listAppPasswords(userId: string): Promise<AppPasswordRecord[]> {
    this.#open();
    return oldestFirst(this.#appPasswords.values(), userId);
  }

  async touchAppPassword(id: string, now: number): Promise<void> {
    this.#open();
    const record = this.#appPasswords.get(id);
    if (record) record.lastUsedAt = now;
  }

  async deleteAppPassword(userId: string, id: string): Promise<boolean> {
    this.#open();
    const record = this.#appPasswords.get(id);
    return record?.userId === userId ? this.#appPasswords.delete(id) : false;
  }

  async deleteAppPasswords(userId: string): Promise<number> {
    this.#open();
    let deleted = 0;
    for (const p of this.#appPasswords.values()) {
      if (p.userId === userId && this.#appPasswords.delete(p.id)) deleted++;
    }
    return deleted;
  }

  #open(): void {
    if (this.#closed) throw new Error('MemoryStore is closed');
  }

  // ───────────── Push notifications: kept in MemoryPushData ─────────────
  readonly #push = new MemoryPushData();

  async createPushDevice(device: PushDeviceRecord): Promise<void> {
    this.#open();
    this.#push.createPushDevice(device);
  }

  async getPushDevice(id: string): Promise<PushDeviceRecord | null> {
    this.#open();
    return this.#push.getPushDevice(id);
  }

  async activatePushDevice(id: string, activation: { publicKey: PublicJwk; name: string | null; now: number }): Promise<boolean> {
    this.#open();
    return this.#push.activatePushDevice(id, activation);
  }

  async setPushDevicePin(id: string, pinHash: string | null): Promise<boolean> {
    this.#open();
    return this.#push.setPushDevicePin(id, pinHash);
  }

  async disablePushDevice(id: string, now: number): Promise<void> {
    this.#open();
    this.#push.disablePushDevice(id, now);
  }

  async createPushChallenge(challenge: PushChallengeRecord): Promise<void> {
    this.#open();
    this.#push.createPushChallenge(challenge);
  }

  async getPushChallenge(id: string): Promise<PushChallengeRecord | null> {
    this.#open();
    return this.#push.getPushChallenge(id);
  }

  async listOpenPushChallenges(userId: string, now: number): Promise<PushChallengeRecord[]> {
    this.#open();
    return this.#push.listOpenPushChallenges(userId, now);
  }

  async resolvePushChallenge(id: string, resolution: PushResolution): Promise<boolean> {
    this.#open();
    return this.#push.resolvePushChallenge(id, resolution);
  }

  async consumePushChallenge(id: string, now: number): Promise<boolean> {
    this.#open();
    return this.#push.consumePushChallenge(id, now);
  }

  async listUnseenFraudReports(userId: string): Promise<PushChallengeRecord[]> {
    this.#open();
    return this.#push.listUnseenFraudReports(userId);
  }

  async markFraudReportsSeen(userId: string, now: number): Promise<void> {
    this.#open();
    this.#push.markFraudReportsSeen(userId, now);
  }

  async consumeNonce(scope: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    this.#open();
    return this.#push.consumeNonce(scope, nonce, expiresAt, now);
  }

  async putPushSubscription(subscription: PushSubscriptionRecord): Promise<void> {
    this.#open();
    this.#push.putPushSubscription(subscription);
  }

  async listPushSubscriptions(userId: string): Promise<PushSubscriptionRecord[]> {
    this.#open();
    return this.#push.listPushSubscriptions(userId);
  }

  async deletePushSubscription(deviceId: string, endpoint?: string): Promise<boolean> {
    this.#open();
    return this.#push.deletePushSubscription(deviceId, endpoint);
  }
}
