import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import type { MfaStore } from '../../src/stores/mfa-store.js';
import { BUILT_IN_FACETS, storeWith } from './store-with.js';
import type { BuiltInStore } from './store-with.js';

/** The suites' "now" (Nov 2023), and how many calls their atomicity tests fire at once. */
export const T0 = 1_700_000_000_000;
export const PARALLEL = 30;

export interface StoreUnderTest {
  store: MfaStore;
  /** Runs after the suite has closed the store (when it has close()): remove files etc. */
  cleanup?: () => Promise<void>;
}

/**
 * Registers hooks in the enclosing describe() that give each test a fresh store from `makeStore`
 * and, after the test, close it (unless the test did) and clean up. Returns a stand-in that
 * forwards every call to the current test's store.
 */
export function storePerTest(makeStore: () => Promise<StoreUnderTest>): BuiltInStore {
  let subject: StoreUnderTest | null = null;
  let closed = false;

  beforeEach(async () => {
    subject = await makeStore();
    closed = false;
  });

  afterEach(async () => {
    if (!closed) await subject?.store.close?.();
    await subject?.cleanup?.();
    subject = null;
  });

  return new Proxy({} as BuiltInStore, {
    get(_target, property) {
      if (!subject) throw new Error('the store under test exists only while a test runs');
      const store = storeWith(subject.store, BUILT_IN_FACETS);
      const value: unknown = Reflect.get(store, property);
      if (typeof value !== 'function') return value;
      if (property === 'close') {
        return async () => {
          closed = true;
          await value.call(store);
        };
      }
      return value.bind(store);
    },
  });
}

type StoreCalls = Record<string, () => Promise<unknown>>;

/**
 * A test that closes the store, then expects every one of the calls to reject. `prepare` runs
 * before the close (e.g. to create a record the calls name) and returns the calls by method name.
 */
export function itRejectsAfterClose(store: MfaStore, title: string, prepare: () => Promise<StoreCalls> | StoreCalls): void {
  it(title, async () => {
    // close() is optional in the contract, but every store bound to this suite implements it.
    assert.ok(store.close, 'the store under test has close()');
    const calls = await prepare();
    await store.close();
    for (const [method, call] of Object.entries(calls)) {
      await assert.rejects(call(), Error, `${method} after close()`);
    }
  });
}
