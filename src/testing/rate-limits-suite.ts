import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { itRejectsAfterClose, PARALLEL, T0 } from './store-per-test.js';
import type { SuiteStore } from './store-per-test.js';

const WINDOW = 60_000;

/** The rate-limits facet's contract (../stores/facets/rate-limits.ts). */
export function rateLimitsSuite(store: SuiteStore, closes: boolean): void {
  it('without a limit, counts every hit per key within a window, then starts a new window', async () => {
    assert.deepEqual(await store.rateLimits.get('ip:1', T0), { count: 0, resetAt: null });
    assert.deepEqual(await store.rateLimits.hit('ip:1', WINDOW, T0), { counted: true, count: 1, resetAt: T0 + WINDOW });
    assert.deepEqual(await store.rateLimits.hit('ip:1', WINDOW, T0 + 10), { counted: true, count: 2, resetAt: T0 + WINDOW });
    assert.deepEqual(await store.rateLimits.get('ip:1', T0 + 10), { count: 2, resetAt: T0 + WINDOW });
    assert.deepEqual(await store.rateLimits.get('ip:2', T0 + 10), { count: 0, resetAt: null }, 'keys are separate');
    assert.deepEqual(await store.rateLimits.get('ip:1', T0 + WINDOW), { count: 0, resetAt: null }, 'window over');
    assert.deepEqual(await store.rateLimits.hit('ip:1', WINDOW, T0 + WINDOW), { counted: true, count: 1, resetAt: T0 + 2 * WINDOW });
  });

  it('with a limit, counts only while under it, and a refused hit changes nothing', async () => {
    for (let i = 1; i <= 3; i++) {
      assert.deepEqual(await store.rateLimits.hit('user:alice', WINDOW, T0 + i, 3), { counted: true, count: i, resetAt: T0 + 1 + WINDOW });
    }
    const refused = { counted: false, count: 3, resetAt: T0 + 1 + WINDOW };
    assert.deepEqual(await store.rateLimits.hit('user:alice', WINDOW, T0 + 10, 3), refused);
    assert.deepEqual(await store.rateLimits.hit('user:alice', WINDOW, T0 + WINDOW, 3), refused, 'the window runs from the first hit');
    assert.deepEqual(await store.rateLimits.get('user:alice', T0 + WINDOW), { count: 3, resetAt: T0 + 1 + WINDOW });
    assert.equal((await store.rateLimits.hit('user:bob', WINDOW, T0, 3)).counted, true, 'keys are separate');
    assert.deepEqual(await store.rateLimits.hit('user:alice', WINDOW, T0 + 1 + WINDOW, 3), { counted: true, count: 1, resetAt: T0 + 1 + 2 * WINDOW }, 'a new window');
  });

  it('a limit applies to the count so far, whether or not earlier hits had one', async () => {
    for (let i = 0; i < 4; i++) await store.rateLimits.hit('k', WINDOW, T0);
    assert.deepEqual(await store.rateLimits.hit('k', WINDOW, T0, 4), { counted: false, count: 4, resetAt: T0 + WINDOW });
    assert.deepEqual(await store.rateLimits.hit('k', WINDOW, T0, 5), { counted: true, count: 5, resetAt: T0 + WINDOW });
    assert.deepEqual(await store.rateLimits.hit('k', WINDOW, T0), { counted: true, count: 6, resetAt: T0 + WINDOW });
  });

  it('delete forgets one key: its next hit starts a new window', async () => {
    await store.rateLimits.hit('pin:dev1', WINDOW, T0);
    await store.rateLimits.hit('pin:dev1', WINDOW, T0);
    await store.rateLimits.hit('pin:dev2', WINDOW, T0);
    await store.rateLimits.delete('pin:dev1');
    assert.deepEqual(await store.rateLimits.get('pin:dev1', T0 + 1), { count: 0, resetAt: null });
    assert.deepEqual(await store.rateLimits.get('pin:dev2', T0 + 1), { count: 1, resetAt: T0 + WINDOW }, 'other keys stay');
    assert.deepEqual(await store.rateLimits.hit('pin:dev1', WINDOW, T0 + 1), { counted: true, count: 1, resetAt: T0 + 1 + WINDOW });
    await store.rateLimits.delete('never-counted');
  });

  describe(`atomicity under ${PARALLEL} parallel callers`, () => {
    it('without a limit: no hit is lost and each caller sees a distinct count', async () => {
      const hits = await Promise.all(Array.from({ length: PARALLEL }, () => store.rateLimits.hit('user:alice', WINDOW, T0)));
      assert.ok(hits.every((h) => h.counted));
      assert.deepEqual(
        hits.map((h) => h.count).sort((x, y) => x - y),
        Array.from({ length: PARALLEL }, (_, i) => i + 1),
      );
      assert.equal((await store.rateLimits.get('user:alice', T0)).count, PARALLEL);
    });

    it('with limit 5: exactly 5 callers are counted, each with a distinct count', async () => {
      const hits = await Promise.all(Array.from({ length: PARALLEL }, () => store.rateLimits.hit('ip:192.0.2.1', 3_600_000, T0, 5)));
      const counted = hits.filter((h) => h.counted);
      assert.deepEqual(counted.map((h) => h.count).sort((x, y) => x - y), [1, 2, 3, 4, 5]);
      assert.ok(hits.filter((h) => !h.counted).every((h) => h.count === 5));
      assert.equal((await store.rateLimits.get('ip:192.0.2.1', T0)).count, 5);
    });
  });

  itRejectsAfterClose(store, closes, () => ({
    get: () => store.rateLimits.get('k', T0),
    hit: () => store.rateLimits.hit('k', WINDOW, T0),
    'hit with a limit': () => store.rateLimits.hit('k', WINDOW, T0, 5),
    delete: () => store.rateLimits.delete('k'),
  }));
}
