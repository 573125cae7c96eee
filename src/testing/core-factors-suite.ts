import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeFactor } from './records.js';
import { T0 } from './store-per-test.js';
import type { SuiteStore } from './store-per-test.js';

/** The core facet's factors (../stores/facets/core.ts): the records and the time-step replay guard. */
export function coreFactorsSuite(store: SuiteStore): void {
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
}
