import { nextLockout, NO_LOCKOUT } from './store.js';
import type { FactorRecord, FailurePolicy, LockoutState, MfaStore } from './store.js';
import { MemoryPushData } from './memory-push.js';
import type { CounterState, PublicJwk, PushChallengeRecord, PushDeviceRecord, PushResolution } from './push-records.js';

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
    return [...this.#factors.values()]
      .filter((f) => f.userId === userId)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((f) => structuredClone(f));
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

  async hitCounter(key: string, windowMs: number, now: number): Promise<CounterState> {
    this.#open();
    return this.#push.hitCounter(key, windowMs, now);
  }

  async getCounter(key: string, now: number): Promise<CounterState | null> {
    this.#open();
    return this.#push.getCounter(key, now);
  }

  async deleteCounter(key: string): Promise<void> {
    this.#open();
    this.#push.deleteCounter(key);
  }
}
