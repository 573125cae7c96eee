import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { itRejectsAfterClose, parallel, PARALLEL } from './store-per-test.js';
import type { SuiteStore } from './store-per-test.js';

/** `count` distinct digests, as HMACs of fresh codes would be. */
const digests = (count: number): string[] => Array.from({ length: count }, () => randomBytes(32).toString('base64url'));

/** The recovery-codes facet's contract (../stores/facets/recovery-codes.ts). */
export function recoveryCodesSuite(store: SuiteStore, closes: boolean): void {
  it('counts none before a set is made; consumes each code of the set once, only for its user', async () => {
    assert.equal(await store.recoveryCodes.countRemaining('alice'), 0);
    const set = digests(10);
    await store.recoveryCodes.replace('alice', set);
    assert.equal(await store.recoveryCodes.countRemaining('alice'), 10);
    assert.equal(await store.recoveryCodes.consume('bob', set[0]!), false, 'another user’s code');
    assert.equal(await store.recoveryCodes.consume('alice', 'not-a-digest'), false);
    assert.equal(await store.recoveryCodes.consume('alice', set[0]!), true);
    assert.equal(await store.recoveryCodes.consume('alice', set[0]!), false, 'single use');
    assert.equal(await store.recoveryCodes.countRemaining('alice'), 9);
    for (const d of set.slice(1)) assert.equal(await store.recoveryCodes.consume('alice', d), true);
    assert.equal(await store.recoveryCodes.countRemaining('alice'), 0);
  });

  it('a new set replaces the whole old one, used codes and unused; an empty set leaves none', async () => {
    const old = digests(10);
    await store.recoveryCodes.replace('alice', old);
    await store.recoveryCodes.consume('alice', old[0]!);
    const fresh = digests(8);
    await store.recoveryCodes.replace('alice', fresh);
    assert.equal(await store.recoveryCodes.countRemaining('alice'), 8);
    for (const d of old) assert.equal(await store.recoveryCodes.consume('alice', d), false, 'an old code still worked');
    assert.equal(await store.recoveryCodes.consume('alice', fresh[3]!), true);
    await store.recoveryCodes.replace('alice', []);
    assert.equal(await store.recoveryCodes.countRemaining('alice'), 0);
    assert.equal(await store.recoveryCodes.consume('alice', fresh[4]!), false);
  });

  it('keeps users apart: one user’s replacement leaves another’s set', async () => {
    const alices = digests(3);
    const bobs = digests(3);
    await store.recoveryCodes.replace('alice', alices);
    await store.recoveryCodes.replace('bob', bobs);
    await store.recoveryCodes.replace('alice', digests(2));
    assert.equal(await store.recoveryCodes.countRemaining('bob'), 3);
    assert.equal(await store.recoveryCodes.consume('bob', bobs[1]!), true);
  });

  it('refuses a set with a repeated digest and keeps the old set', async () => {
    const old = digests(3);
    await store.recoveryCodes.replace('alice', old);
    const [a, b] = digests(2);
    await assert.rejects(store.recoveryCodes.replace('alice', [a!, b!, a!]));
    assert.equal(await store.recoveryCodes.countRemaining('alice'), 3);
    assert.equal(await store.recoveryCodes.consume('alice', old[2]!), true);
    assert.equal(await store.recoveryCodes.consume('alice', a!), false);
  });

  describe(`atomicity under ${PARALLEL} parallel callers`, () => {
    it('consume: of uses of one code exactly one succeeds, and only that code is used up', async () => {
      const set = digests(10);
      await store.recoveryCodes.replace('alice', set);
      const results = await parallel(() => store.recoveryCodes.consume('alice', set[5]!));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal(await store.recoveryCodes.countRemaining('alice'), 9);
    });

    it('consume: uses of different codes all succeed', async () => {
      const set = digests(PARALLEL);
      await store.recoveryCodes.replace('alice', set);
      const results = await parallel((i) => store.recoveryCodes.consume('alice', set[i]!));
      assert.ok(results.every(Boolean));
      assert.equal(await store.recoveryCodes.countRemaining('alice'), 0);
    });

    it('replace: the set left is exactly one of the replacements, never a mix', async () => {
      const sets = Array.from({ length: PARALLEL }, () => digests(10));
      await parallel((i) => store.recoveryCodes.replace('alice', sets[i]!));
      assert.equal(await store.recoveryCodes.countRemaining('alice'), 10);
      const live = [];
      for (const set of sets) if (await store.recoveryCodes.consume('alice', set[0]!)) live.push(set);
      assert.equal(live.length, 1, 'the first code of exactly one set works');
      for (const d of live[0]!.slice(1)) assert.equal(await store.recoveryCodes.consume('alice', d), true);
    });
  });

  itRejectsAfterClose(store, closes, () => ({
    replace: () => store.recoveryCodes.replace('alice', digests(1)),
    consume: () => store.recoveryCodes.consume('alice', 'x'),
    countRemaining: () => store.recoveryCodes.countRemaining('alice'),
  }));
}
