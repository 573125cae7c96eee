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

  /** The user's lockout state, and the LockedOutError it means now (null when not locked). */
  async check(userId: string): Promise<{ state: LockoutState; locked: LockedOutError | null }> {
    const state = await this.store.core.getLockout(userId);
    return { state, locked: this.#lockError(state) };
  }

  /** Throws LockedOutError while the user is locked. */
  async assertNotLocked(userId: string): Promise<void> {
    const { locked } = await this.check(userId);
    if (locked) throw locked;
  }

  /** Counts a failure; returns the LockedOutError that now applies, if any. */
  async fail(userId: string): Promise<LockedOutError | null> {
    const { threshold, durationMs, hardLimit } = this.settings;
    const state = await this.store.core.recordFailure(userId, { now: this.clock(), threshold, lockMs: durationMs, hardLimit });
    return this.#lockError(state);
  }

  /**
   * After a success: clears the failure count. When `before` (read by check() at the start of the
   * attempt) shows nothing to clear, no write is made; a failure counted meanwhile by another
   * session then stays counted, which only ever errs toward the lockout.
   */
  async succeed(userId: string, before?: LockoutState): Promise<void> {
    if (before && before.failures === 0 && before.lockedUntil === null && !before.hardLocked) return;
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
