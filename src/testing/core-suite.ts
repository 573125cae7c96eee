import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coreFactorsSuite } from './core-factors-suite.js';
import { coreLockoutSuite, policy } from './core-lockout-suite.js';
import { makeFactor } from './records.js';
import { itRejectsAfterClose, PARALLEL, T0 } from './store-per-test.js';
import type { SuiteStore } from './store-per-test.js';

/** The core facet's contract (../stores/facets/core.ts): factors, the time-step replay guard, the lockout. */
export function coreSuite(store: SuiteStore, closes: boolean): void {
  coreFactorsSuite(store);
  coreLockoutSuite(store);

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
