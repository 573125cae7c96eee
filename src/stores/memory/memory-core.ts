import type { CoreStore, FactorRecord, FailurePolicy, LockoutState } from '../facets/core.js';
import { nextLockout, NO_LOCKOUT } from '../facets/core.js';
import { oldestFirst } from './oldest-first.js';

/** MemoryStore's core facet. Each method runs to completion synchronously, which makes the atomic ones atomic. */
export class MemoryCore implements CoreStore {
  readonly #factors = new Map<string, FactorRecord>();
  readonly #lockouts = new Map<string, LockoutState>();
  /** `ensureOpen` throws once the MemoryStore is closed. */
  constructor(private readonly ensureOpen: () => void) {}

  async createFactor(factor: FactorRecord): Promise<void> {
    this.ensureOpen();
    if (this.#factors.has(factor.id)) throw new Error(`factor ${factor.id} already exists`);
    this.#factors.set(factor.id, structuredClone(factor));
  }

  async getFactor(id: string): Promise<FactorRecord | null> {
    this.ensureOpen();
    const factor = this.#factors.get(id);
    return factor ? structuredClone(factor) : null;
  }

  async listFactors(userId: string): Promise<FactorRecord[]> {
    this.ensureOpen();
    return oldestFirst(this.#factors.values(), userId);
  }

  async confirmFactor(userId: string, id: string, now: number): Promise<boolean> {
    this.ensureOpen();
    const factor = this.#factors.get(id);
    if (!factor || factor.userId !== userId || factor.confirmedAt !== null) return false;
    factor.confirmedAt = now;
    return true;
  }

  async deleteFactor(userId: string, id: string): Promise<boolean> {
    this.ensureOpen();
    const factor = this.#factors.get(id);
    if (!factor || factor.userId !== userId) return false;
    return this.#factors.delete(id);
  }

  async deleteFactorUnlessLast(userId: string, id: string): Promise<'deleted' | 'not_found' | 'last'> {
    this.ensureOpen();
    const factor = this.#factors.get(id);
    if (!factor || factor.userId !== userId) return 'not_found';
    const another = [...this.#factors.values()].some((f) => f.userId === userId && f.id !== id && f.confirmedAt !== null);
    if (factor.confirmedAt !== null && !another) return 'last';
    this.#factors.delete(id);
    return 'deleted';
  }

  async renameFactor(userId: string, id: string, label: string): Promise<boolean> {
    const factor = this.#confirmed(userId, id);
    if (factor) factor.label = label;
    return factor !== null;
  }

  async preferFactor(userId: string, id: string, now: number): Promise<boolean> {
    const factor = this.#confirmed(userId, id);
    if (factor) factor.preferredAt = now;
    return factor !== null;
  }

  #confirmed(userId: string, id: string): FactorRecord | null {
    this.ensureOpen();
    const factor = this.#factors.get(id);
    return factor && factor.userId === userId && factor.confirmedAt !== null ? factor : null;
  }

  async deleteUnconfirmedFactors(userId: string, createdBefore?: number): Promise<number> {
    this.ensureOpen();
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
    this.ensureOpen();
    const factor = this.#factors.get(factorId);
    if (!factor || (factor.lastStep !== null && step <= factor.lastStep)) return false;
    factor.lastStep = step;
    factor.lastUsedAt = now;
    return true;
  }

  async getLockout(userId: string): Promise<LockoutState> {
    this.ensureOpen();
    return { ...(this.#lockouts.get(userId) ?? NO_LOCKOUT) };
  }

  async recordFailure(userId: string, policy: FailurePolicy): Promise<LockoutState> {
    this.ensureOpen();
    const next = nextLockout(this.#lockouts.get(userId) ?? NO_LOCKOUT, policy);
    this.#lockouts.set(userId, next);
    return { ...next };
  }

  async resetFailures(userId: string): Promise<void> {
    this.ensureOpen();
    this.#lockouts.delete(userId);
  }
}
