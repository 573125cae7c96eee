import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { slowHash } from '../../src/crypto/slow-hash.js';
import { PinPolicy } from '../../src/push/pin-policy.js';
import type { PinVerdict } from '../../src/push/pin-policy.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { FakeClock } from '../support/fake-clock.js';
import { makeDevice } from '../../src/testing/index.js';

const PIN = '274951';
const MAX_FAILURES = 10;

/** Counts scrypt runs (each PIN judged is one): node:crypto's scrypt, wrapped for this file. */
const crypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
let scryptRuns = 0;
const realScrypt = crypto.scrypt;
before(() => {
  crypto.scrypt = ((...args: Parameters<typeof realScrypt>) => {
    scryptRuns++;
    return (realScrypt as (...a: unknown[]) => void)(...args);
  }) as typeof realScrypt;
  syncBuiltinESMExports();
});
after(() => {
  crypto.scrypt = realScrypt;
  syncBuiltinESMExports();
});

const STORES: Record<string, () => MemoryStore | SqliteStore> = {
  MemoryStore: () => new MemoryStore({ warn: () => {} }),
  SqliteStore: () => new SqliteStore({ filename: ':memory:' }),
};

for (const [name, makeStore] of Object.entries(STORES)) {
  describe(`PinPolicy on ${name}`, () => {
    async function setUp() {
      const store = makeStore();
      const clock = new FakeClock();
      const pins = new PinPolicy(store, { length: 6, maxFailures: MAX_FAILURES }, clock.now, randomBytes);
      const device = makeDevice({ pinHash: await slowHash(PIN, randomBytes) });
      return { store, pins, device };
    }

    // Attack: a burst of answers with wrong PINs from a stolen device key, all in flight before any
    // failure is counted, so that more than the limit get judged (and the right one among them wins).
    it(`judges at most ${MAX_FAILURES} of 40 parallel PINs, and not the right one sent last`, async () => {
      const { pins, device } = await setUp();
      const guesses = Array.from({ length: 40 }, (_, i) => (i === 39 ? PIN : String(100_000 + i)));
      scryptRuns = 0;
      const verdicts = await Promise.all(guesses.map((pin) => pins.check(device, pin)));
      assert.equal(scryptRuns, MAX_FAILURES, 'one slow hash per reserved attempt, none for the others');
      const judged = verdicts.filter((v): v is Extract<PinVerdict, { ok: false }> => !v.ok && v.judged);
      assert.equal(judged.length, MAX_FAILURES);
      assert.deepEqual(judged.map((v) => v.attemptsLeft).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.ok(verdicts.every((v) => !v.ok), 'the right PIN was not judged: no attempt was left for it');
      assert.deepEqual(await pins.check(device, PIN), { ok: false, attemptsLeft: 0, judged: false }, 'nor afterwards');
    });

    it('forgets the streak after the right PIN, so only consecutive failures count', async () => {
      const { pins, device } = await setUp();
      for (let left = MAX_FAILURES - 1; left >= 1; left--) assert.deepEqual(await pins.check(device, '000000'), { ok: false, attemptsLeft: left, judged: true });
      assert.deepEqual(await pins.check(device, PIN), { ok: true });
      assert.deepEqual(await pins.check(device, '000000'), { ok: false, attemptsLeft: MAX_FAILURES - 1, judged: true });
    });

    it('counts a missing, non-string or oversized PIN as a wrong one without hashing it', async () => {
      const { pins, device } = await setUp();
      scryptRuns = 0;
      for (const pin of [undefined, 274951, 'x'.repeat(65)]) assert.equal((await pins.check(device, pin)).ok, false);
      assert.equal(scryptRuns, 0);
      assert.deepEqual(await pins.check(device, '000000'), { ok: false, attemptsLeft: MAX_FAILURES - 4, judged: true });
    });

    it('asks nothing of a device without a PIN', async () => {
      const { pins } = await setUp();
      assert.deepEqual(await pins.check(makeDevice(), undefined), { ok: true });
    });
  });
}
