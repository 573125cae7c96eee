import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FailurePolicy } from '../stores/facets/core.js';
import { T0 } from './store-per-test.js';
import type { SuiteStore } from './store-per-test.js';

/** The FailurePolicy the core suites record failures under: lock for a minute every 5, hard-lock at 100. */
export function policy(now: number, overrides: Partial<FailurePolicy> = {}): FailurePolicy {
  return { now, threshold: 5, lockMs: 60_000, hardLimit: 100, ...overrides };
}

/** The core facet's lockout (../stores/facets/core.ts): failures counted per user, timed and hard locks. */
export function coreLockoutSuite(store: SuiteStore): void {
  describe('lockout', () => {
    it('starts at zero for a user who never failed', async () => {
      assert.deepEqual(await store.core.getLockout('alice'), { failures: 0, lockedUntil: null, hardLocked: false });
    });

    it('locks at the threshold for lockMs, keeps counting, and locks again at the next multiple', async () => {
      for (let i = 1; i <= 4; i++) {
        assert.deepEqual(await store.core.recordFailure('alice', policy(T0 + i)), {
          failures: i,
          lockedUntil: null,
          hardLocked: false,
        });
      }
      const fifth = await store.core.recordFailure('alice', policy(T0 + 5));
      assert.deepEqual(fifth, { failures: 5, lockedUntil: T0 + 5 + 60_000, hardLocked: false });
      assert.deepEqual(await store.core.getLockout('alice'), fifth);

      const sixth = await store.core.recordFailure('alice', policy(T0 + 6));
      assert.deepEqual(sixth, { failures: 6, lockedUntil: T0 + 5 + 60_000, hardLocked: false });

      for (let i = 7; i <= 9; i++) await store.core.recordFailure('alice', policy(T0 + i));
      assert.deepEqual(await store.core.recordFailure('alice', policy(T0 + 10)), {
        failures: 10,
        lockedUntil: T0 + 10 + 60_000,
        hardLocked: false,
      });
    });

    it('hard-locks with no expiry at hardLimit, and stays hard-locked', async () => {
      const strict = (now: number) => policy(now, { threshold: 3, hardLimit: 7 });
      for (let i = 1; i <= 6; i++) await store.core.recordFailure('alice', strict(T0 + i));
      const seventh = await store.core.recordFailure('alice', strict(T0 + 7));
      assert.deepEqual(seventh, { failures: 7, lockedUntil: null, hardLocked: true });
      assert.deepEqual(await store.core.getLockout('alice'), seventh);
      assert.deepEqual(await store.core.recordFailure('alice', strict(T0 + 8)), {
        failures: 8,
        lockedUntil: null,
        hardLocked: true,
      });
    });

    it('resetFailures clears the counter and any lock, including a hard lock', async () => {
      for (let i = 1; i <= 3; i++) await store.core.recordFailure('alice', policy(T0, { hardLimit: 3 }));
      assert.equal((await store.core.getLockout('alice')).hardLocked, true);
      await store.core.resetFailures('alice');
      assert.deepEqual(await store.core.getLockout('alice'), { failures: 0, lockedUntil: null, hardLocked: false });
      assert.deepEqual(await store.core.recordFailure('alice', policy(T0)), {
        failures: 1,
        lockedUntil: null,
        hardLocked: false,
      });
      await store.core.resetFailures('never-failed');
    });

    it('counts per user', async () => {
      for (let i = 1; i <= 5; i++) await store.core.recordFailure('alice', policy(T0));
      await store.core.recordFailure('bob', policy(T0));
      assert.equal((await store.core.getLockout('alice')).failures, 5);
      assert.deepEqual(await store.core.getLockout('bob'), { failures: 1, lockedUntil: null, hardLocked: false });
      await store.core.resetFailures('bob');
      assert.equal((await store.core.getLockout('alice')).failures, 5);
    });
  });
}
