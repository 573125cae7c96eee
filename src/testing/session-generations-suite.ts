import assert from 'node:assert/strict';
import { it } from 'node:test';
import { itRejectsAfterClose, parallel, PARALLEL } from './store-per-test.js';
import type { SuiteStore } from './store-per-test.js';

/** The session-generations facet's contract (../stores/facets/session-generations.ts). */
export function sessionGenerationsSuite(store: SuiteStore, closes: boolean): void {
  it('starts at 0 and grows by one with each bump, per user', async () => {
    assert.equal(await store.sessionGenerations.get('alice'), 0);
    assert.equal(await store.sessionGenerations.bump('alice'), 1);
    assert.equal(await store.sessionGenerations.bump('alice'), 2);
    assert.equal(await store.sessionGenerations.get('alice'), 2);
    assert.equal(await store.sessionGenerations.get('bob'), 0);
    assert.equal(await store.sessionGenerations.bump('bob'), 1);
    assert.equal(await store.sessionGenerations.get('alice'), 2);
  });

  it(`bump: of ${PARALLEL} parallel bumps none is lost, and each returns a distinct value`, async () => {
    await store.sessionGenerations.bump('alice');
    const values = await parallel(() => store.sessionGenerations.bump('alice'));
    assert.deepEqual(values.sort((a, b) => a - b), Array.from({ length: PARALLEL }, (_, i) => i + 2));
    assert.equal(await store.sessionGenerations.get('alice'), PARALLEL + 1);
  });

  itRejectsAfterClose(store, closes, () => ({
    get: () => store.sessionGenerations.get('alice'),
    bump: () => store.sessionGenerations.bump('alice'),
  }));
}
