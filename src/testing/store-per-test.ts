import assert from 'node:assert/strict';
import { afterEach, beforeEach, it } from 'node:test';
import type { MfaStore, OptionalFacetName, StoreWith } from '../stores/mfa-store.js';

/** The suites' "now" (Nov 2023), and how many calls their atomicity tests fire at once. */
export const T0 = 1_700_000_000_000;
export const PARALLEL = 30;

/** A fresh store for one test, and what to do after the suite has closed it (remove files, drop a schema). */
export interface StoreUnderTest {
  store: MfaStore;
  cleanup?: () => void | Promise<void>;
}

/**
 * Makes a fresh, empty store, each time it is called: a store, or a store with a cleanup.
 * It may be async (e.g. to create a database schema).
 */
export type MakeStore = () => MfaStore | StoreUnderTest | Promise<MfaStore | StoreUnderTest>;

/** The store of every suite: each facet suite runs only when the store has its facet. */
export type SuiteStore = StoreWith<OptionalFacetName>;

/** Calls `makeStore` and tells its two answers apart. */
export async function openStore(makeStore: MakeStore): Promise<StoreUnderTest> {
  const made = await makeStore();
  return 'store' in made ? made : { store: made };
}

/** Closes a store the test left open, then cleans up after it. */
export async function releaseStore(subject: StoreUnderTest, closed = false): Promise<void> {
  if (!closed) await subject.store.close?.();
  await subject.cleanup?.();
}

/**
 * Registers hooks in the enclosing describe() that give each test a fresh store from `makeStore`
 * and, after the test, close it (unless the test did) and clean up. Returns a stand-in that
 * forwards every property to the current test's store.
 */
export function storePerTest(makeStore: MakeStore): SuiteStore {
  let subject: StoreUnderTest | null = null;
  let closed = false;

  beforeEach(async () => {
    subject = await openStore(makeStore);
    closed = false;
  });

  afterEach(async () => {
    if (subject) await releaseStore(subject, closed);
    subject = null;
  });

  return new Proxy({} as SuiteStore, {
    get(_target, property) {
      if (!subject) throw new Error('the store under test exists only while a test runs');
      const store = subject.store;
      const value: unknown = Reflect.get(store, property);
      if (property === 'close' && typeof value === 'function') {
        return async () => {
          closed = true;
          await value.call(store);
        };
      }
      return typeof value === 'function' ? value.bind(store) : value;
    },
  });
}

/** Runs `call` `PARALLEL` times at once (`i` = 0, 1, …) and returns the results in order. */
export function parallel<T>(call: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: PARALLEL }, (_, i) => call(i)));
}

type StoreCalls = Record<string, () => Promise<unknown>>;

/**
 * A test that closes the store, then expects every one of the calls to reject. `prepare` runs
 * before the close (e.g. to create a record the calls name) and returns the calls by method name.
 * Registered only for stores that have close().
 */
export function itRejectsAfterClose(store: SuiteStore, closes: boolean, prepare: () => Promise<StoreCalls> | StoreCalls): void {
  if (!closes) return;
  it('rejects every call after close()', async () => {
    const calls = await prepare();
    await store.close!();
    for (const [method, call] of Object.entries(calls)) {
      await assert.rejects(call(), Error, `${method} after close()`);
    }
  });
}
