import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FailurePolicy } from '../stores/facets/core.js';
import { makeFactor } from './records.js';
import { itRejectsAfterClose, PARALLEL, T0 } from './store-per-test.js';
import type { SuiteStore } from './store-per-test.js';

function policy(now: number, overrides: Partial<FailurePolicy> = {}): FailurePolicy {
  return { now, threshold: 5, lockMs: 60_000, hardLimit: 100, ...overrides };
}

/** The core facet's contract (../stores/facets/core.ts): factors, the time-step replay guard, the lockout. */
export function coreSuite(store: SuiteStore, closes: boolean): void {
  describe('factors', () => {
    it('round-trips every field, including nested data and a null secret', async () => {
      const full = makeFactor({
        confirmedAt: T0 + 1,
        lastUsedAt: T0 + 2,
        lastStep: 56_666_666,
        data: { digits: 8, nested: { list: [1, 'two', null, true], ok: false } },
      });
      const bare = makeFactor({ sealedSecret: null, data: {} });
      await store.core.createFactor(full);
      await store.core.createFactor(bare);
      assert.deepEqual(await store.core.getFactor(full.id), full);
      assert.deepEqual(await store.core.getFactor(bare.id), bare);
    });

    it('getFactor returns null for an unknown id', async () => {
      assert.equal(await store.core.getFactor('nope'), null);
    });

    it('hands out copies: mutating a returned or passed-in record does not change the store', async () => {
      const factor = makeFactor();
      const original = structuredClone(factor);
      await store.core.createFactor(factor);
      factor.label = 'changed after create';
      (factor.data as { digits: number }).digits = 7;

      const fetched = await store.core.getFactor(factor.id);
      assert.ok(fetched);
      fetched.label = 'changed after get';
      fetched.confirmedAt = T0;
      (fetched.data as { digits: number }).digits = 9;
      const listed = await store.core.listFactors('alice');
      listed[0]!.label = 'changed after list';

      assert.deepEqual(await store.core.getFactor(factor.id), original);
    });

    it('rejects a duplicate id and keeps the first record', async () => {
      const factor = makeFactor();
      await store.core.createFactor(factor);
      await assert.rejects(store.core.createFactor({ ...factor, userId: 'mallory', label: 'Duplicate' }));
      assert.deepEqual(await store.core.getFactor(factor.id), factor);
    });

    it('lists only the given user’s factors, confirmed and not, oldest first', async () => {
      const late = makeFactor({ createdAt: T0 + 300, confirmedAt: T0 + 301 });
      const early = makeFactor({ createdAt: T0 + 100 });
      const middle = makeFactor({ createdAt: T0 + 200 });
      const bobs = makeFactor({ userId: 'bob', createdAt: T0 + 150 });
      for (const f of [late, early, bobs, middle]) await store.core.createFactor(f);

      assert.deepEqual(await store.core.listFactors('alice'), [early, middle, late]);
      assert.deepEqual(await store.core.listFactors('bob'), [bobs]);
      assert.deepEqual(await store.core.listFactors('carol'), []);
    });

    it('confirms a factor once, only for its owner', async () => {
      const factor = makeFactor();
      await store.core.createFactor(factor);

      assert.equal(await store.core.confirmFactor('mallory', factor.id, T0 + 5), false);
      assert.equal((await store.core.getFactor(factor.id))?.confirmedAt, null);

      assert.equal(await store.core.confirmFactor('alice', factor.id, T0 + 10), true);
      assert.equal(await store.core.confirmFactor('alice', factor.id, T0 + 20), false);
      assert.equal((await store.core.getFactor(factor.id))?.confirmedAt, T0 + 10);

      assert.equal(await store.core.confirmFactor('alice', 'nope', T0), false);
    });

    it('deletes a factor only for its owner', async () => {
      const factor = makeFactor();
      await store.core.createFactor(factor);

      assert.equal(await store.core.deleteFactor('mallory', factor.id), false);
      assert.deepEqual(await store.core.getFactor(factor.id), factor);

      assert.equal(await store.core.deleteFactor('alice', factor.id), true);
      assert.equal(await store.core.getFactor(factor.id), null);
      assert.equal(await store.core.deleteFactor('alice', factor.id), false);
    });

    it('deleteFactorUnlessLast keeps the user’s last confirmed factor and deletes only the owner’s', async () => {
      const first = makeFactor({ confirmedAt: T0 });
      const second = makeFactor({ confirmedAt: T0 });
      const unconfirmed = makeFactor();
      for (const f of [first, second, unconfirmed]) await store.core.createFactor(f);

      assert.equal(await store.core.deleteFactorUnlessLast('mallory', first.id), 'not_found');
      assert.equal(await store.core.deleteFactorUnlessLast('alice', 'nope'), 'not_found');
      assert.equal(await store.core.deleteFactorUnlessLast('alice', first.id), 'deleted');
      assert.equal(await store.core.deleteFactorUnlessLast('alice', second.id), 'last', 'an unconfirmed factor does not count');
      assert.deepEqual(await store.core.getFactor(second.id), second);
      assert.equal(await store.core.deleteFactorUnlessLast('alice', unconfirmed.id), 'deleted', 'an unconfirmed one always goes');
      assert.deepEqual(await store.core.listFactors('alice'), [second]);
    });

    it('renames and makes default only a confirmed factor of its owner', async () => {
      const factor = makeFactor({ confirmedAt: T0 });
      const unconfirmed = makeFactor();
      for (const f of [factor, unconfirmed]) await store.core.createFactor(f);

      assert.equal(await store.core.renameFactor('mallory', factor.id, 'Mine now'), false);
      assert.equal(await store.core.preferFactor('mallory', factor.id, T0 + 1), false);
      assert.equal(await store.core.renameFactor('alice', unconfirmed.id, 'Half set up'), false);
      assert.equal(await store.core.preferFactor('alice', unconfirmed.id, T0 + 1), false);
      assert.equal(await store.core.renameFactor('alice', 'nope', 'x'), false);
      assert.deepEqual(await store.core.getFactor(factor.id), factor);
      assert.deepEqual(await store.core.getFactor(unconfirmed.id), unconfirmed);

      assert.equal(await store.core.renameFactor('alice', factor.id, 'Work phone ☎'), true);
      assert.equal(await store.core.preferFactor('alice', factor.id, T0 + 2), true);
      assert.deepEqual(await store.core.getFactor(factor.id), { ...factor, label: 'Work phone ☎', preferredAt: T0 + 2 });
    });

    it('deleteUnconfirmedFactors without a cutoff removes all of the user’s unconfirmed factors only', async () => {
      const pending1 = makeFactor({ createdAt: T0 });
      const pending2 = makeFactor({ createdAt: T0 + 1_000 });
      const confirmed = makeFactor({ createdAt: T0 - 1_000, confirmedAt: T0 });
      const bobsPending = makeFactor({ userId: 'bob' });
      for (const f of [pending1, pending2, confirmed, bobsPending]) await store.core.createFactor(f);

      assert.equal(await store.core.deleteUnconfirmedFactors('alice'), 2);
      assert.deepEqual(await store.core.listFactors('alice'), [confirmed]);
      assert.deepEqual(await store.core.listFactors('bob'), [bobsPending]);
      assert.equal(await store.core.deleteUnconfirmedFactors('alice'), 0);
    });

    it('deleteUnconfirmedFactors with a cutoff removes only unconfirmed ones created before it', async () => {
      const old = makeFactor({ createdAt: T0 - 1 });
      const atCutoff = makeFactor({ createdAt: T0 });
      const recent = makeFactor({ createdAt: T0 + 1 });
      const oldConfirmed = makeFactor({ createdAt: T0 - 10, confirmedAt: T0 - 5 });
      for (const f of [old, atCutoff, recent, oldConfirmed]) await store.core.createFactor(f);

      assert.equal(await store.core.deleteUnconfirmedFactors('alice', T0), 1);
      assert.deepEqual(await store.core.listFactors('alice'), [oldConfirmed, atCutoff, recent]);
    });
  });

  describe('consumeTimeStep', () => {
    it('accepts the first step (even 0), then only strictly higher ones, recording lastUsedAt', async () => {
      const factor = makeFactor({ confirmedAt: T0 });
      await store.core.createFactor(factor);

      assert.equal(await store.core.consumeTimeStep(factor.id, 0, T0 + 1), true);
      assert.equal(await store.core.consumeTimeStep(factor.id, 100, T0 + 2), true);
      assert.equal(await store.core.consumeTimeStep(factor.id, 100, T0 + 3), false, 'same step is a replay');
      assert.equal(await store.core.consumeTimeStep(factor.id, 99, T0 + 4), false, 'lower step is a replay');
      let stored = await store.core.getFactor(factor.id);
      assert.equal(stored?.lastStep, 100);
      assert.equal(stored?.lastUsedAt, T0 + 2, 'a rejected step must not count as a use');

      assert.equal(await store.core.consumeTimeStep(factor.id, 101, T0 + 5), true);
      stored = await store.core.getFactor(factor.id);
      assert.equal(stored?.lastStep, 101);
      assert.equal(stored?.lastUsedAt, T0 + 5);
    });

    it('keeps steps per factor', async () => {
      const a = makeFactor();
      const b = makeFactor();
      await store.core.createFactor(a);
      await store.core.createFactor(b);
      assert.equal(await store.core.consumeTimeStep(a.id, 50, T0), true);
      assert.equal(await store.core.consumeTimeStep(b.id, 50, T0), true);
    });

    it('returns false for an unknown factor', async () => {
      assert.equal(await store.core.consumeTimeStep('nope', 1, T0), false);
    });
  });

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

  describe(`atomicity under ${PARALLEL} parallel callers`, () => {
    it('consumeTimeStep: exactly one caller wins the same step', async () => {
      const factor = makeFactor({ confirmedAt: T0 });
      await store.core.createFactor(factor);
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) => store.core.consumeTimeStep(factor.id, 1234, T0 + i)),
      );
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await store.core.getFactor(factor.id))?.lastStep, 1234);
    });

    it('confirmFactor: exactly one caller confirms', async () => {
      const factor = makeFactor();
      await store.core.createFactor(factor);
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) => store.core.confirmFactor('alice', factor.id, T0 + i)),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('deleteFactorUnlessLast: of parallel deletions of every confirmed factor, all but one delete', async () => {
      const factors = Array.from({ length: PARALLEL }, () => makeFactor({ confirmedAt: T0 }));
      for (const f of factors) await store.core.createFactor(f);
      const results = await Promise.all(factors.map((f) => store.core.deleteFactorUnlessLast('alice', f.id)));
      assert.equal(results.filter((r) => r === 'deleted').length, PARALLEL - 1);
      assert.equal(results.filter((r) => r === 'last').length, 1);
      assert.equal((await store.core.listFactors('alice')).length, 1);
    });

    it('recordFailure: no failure is lost and each caller sees a distinct count', async () => {
      const states = await Promise.all(
        Array.from({ length: PARALLEL }, () => store.core.recordFailure('alice', policy(T0))),
      );
      assert.equal((await store.core.getLockout('alice')).failures, PARALLEL);
      assert.deepEqual(
        states.map((s) => s.failures).sort((a, b) => a - b),
        Array.from({ length: PARALLEL }, (_, i) => i + 1),
      );
    });
  });

  itRejectsAfterClose(store, closes, async () => {
    const factor = makeFactor();
    await store.core.createFactor(factor);
    return {
      createFactor: () => store.core.createFactor(makeFactor()),
      getFactor: () => store.core.getFactor(factor.id),
      listFactors: () => store.core.listFactors('alice'),
      confirmFactor: () => store.core.confirmFactor('alice', factor.id, T0),
      deleteFactor: () => store.core.deleteFactor('alice', factor.id),
      deleteFactorUnlessLast: () => store.core.deleteFactorUnlessLast('alice', factor.id),
      renameFactor: () => store.core.renameFactor('alice', factor.id, 'x'),
      preferFactor: () => store.core.preferFactor('alice', factor.id, T0),
      deleteUnconfirmedFactors: () => store.core.deleteUnconfirmedFactors('alice'),
      consumeTimeStep: () => store.core.consumeTimeStep(factor.id, 1, T0),
      getLockout: () => store.core.getLockout('alice'),
      recordFailure: () => store.core.recordFailure('alice', policy(T0)),
      resetFailures: () => store.core.resetFailures('alice'),
    };
  });
}
