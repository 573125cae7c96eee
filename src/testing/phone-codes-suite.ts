import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PhoneCodeRecord } from '../stores/facets/phone-codes.js';
import { itRejectsAfterClose, parallel, PARALLEL, T0 } from './store-per-test.js';
import type { SuiteStore } from './store-per-test.js';

function phoneCode(overrides: Partial<PhoneCodeRecord> = {}): PhoneCodeRecord {
  return { userId: 'alice', purpose: 'signin', codeHash: 'h1', createdAt: T0, expiresAt: T0 + 300_000, ...overrides };
}

/** The phone-codes facet's contract (../stores/facets/phone-codes.ts). */
export function phoneCodesSuite(store: SuiteStore, closes: boolean): void {
  it('consumes a live code once, only with its hash, user and purpose', async () => {
    await store.phoneCodes.put(phoneCode());
    assert.equal(await store.phoneCodes.consume('alice', 'signin', 'wrong', T0), false);
    assert.equal(await store.phoneCodes.consume('bob', 'signin', 'h1', T0), false);
    assert.equal(await store.phoneCodes.consume('alice', 'enroll', 'h1', T0), false);
    assert.equal(await store.phoneCodes.consume('alice', 'signin', 'h1', T0), true);
    assert.equal(await store.phoneCodes.consume('alice', 'signin', 'h1', T0), false, 'single use');
  });

  it('refuses a code at or after its expiry', async () => {
    await store.phoneCodes.put(phoneCode({ expiresAt: T0 + 1000 }));
    assert.equal(await store.phoneCodes.consume('alice', 'signin', 'h1', T0 + 1000), false);
    assert.equal(await store.phoneCodes.consume('alice', 'signin', 'h1', T0 + 999), true);
  });

  it('a newer code of the same user and purpose replaces the older one', async () => {
    await store.phoneCodes.put(phoneCode({ codeHash: 'old' }));
    await store.phoneCodes.put(phoneCode({ codeHash: 'new', createdAt: T0 + 1 }));
    await store.phoneCodes.put(phoneCode({ purpose: 'enroll', codeHash: 'other-purpose' }));
    assert.equal(await store.phoneCodes.consume('alice', 'signin', 'old', T0), false);
    assert.equal(await store.phoneCodes.consume('alice', 'signin', 'new', T0), true);
    assert.equal(await store.phoneCodes.consume('alice', 'enroll', 'other-purpose', T0), true);
  });

  it(`consume: exactly one of ${PARALLEL} parallel callers wins`, async () => {
    await store.phoneCodes.put(phoneCode());
    const results = await parallel(() => store.phoneCodes.consume('alice', 'signin', 'h1', T0));
    assert.equal(results.filter(Boolean).length, 1);
  });

  itRejectsAfterClose(store, closes, () => ({
    put: () => store.phoneCodes.put(phoneCode()),
    consume: () => store.phoneCodes.consume('alice', 'signin', 'h1', T0),
  }));
}
