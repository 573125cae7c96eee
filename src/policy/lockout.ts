import { LockedOutError } from '../errors.js';
import type { LockoutState } from '../stores/facets/core.js';
import type { MfaStore } from '../stores/mfa-store.js';

export interface LockoutSettings {
  threshold: number;
  durationMs: number;
  hardLimit: number;
}

/**
 * Consecutive-failure lockout, counted per user in the store so that every session and every
 * instance sees the same count; starting the sign-in over does not reset it.
 */
export class LockoutPolicy {
  constructor(
    private readonly store: MfaStore,
    private readonly settings: LockoutSettings,
    private readonly clock: () => number,
  ) {}

  /** Throws LockedOutError while the user is locked. */
  async assertNotLocked(userId: string): Promise<void> {
    const state = await this.store.core.getLockout(userId);
    const error = this.#lockError(state);
    if (error) throw error;
  }

  /** Counts a failure; returns the LockedOutError that now applies, if any. */
  async fail(userId: string): Promise<LockedOutError | null> {
    const { threshold, durationMs, hardLimit } = this.settings;
    const state = await this.store.core.recordFailure(userId, { now: this.clock(), threshold, lockMs: durationMs, hardLimit });
    return this.#lockError(state);
  }

  async succeed(userId: string): Promise<void> {
    await this.store.core.resetFailures(userId);
  }

  #lockError(state: LockoutState): LockedOutError | null {
    const now = this.clock();
    const lock = activeLock(state, now);
    if (!lock) return null;
    return new LockedOutError(lock.until === null ? null : (lock.until - now) / 1000);
  }
}

/** The lock in force at `now`: until when (null: until an administrator unlocks it), or null when there is none. */
export function activeLock(state: LockoutState, now: number): { until: number | null } | null {
  if (state.hardLocked) return { until: null };
  return state.lockedUntil !== null && now < state.lockedUntil ? { until: state.lockedUntil } : null;
}
