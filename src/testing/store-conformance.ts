import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FACET_NAMES, FACETS, facetProblems } from '../stores/mfa-store.js';
import type { FacetName } from '../stores/mfa-store.js';
import { appPasswordsSuite } from './app-passwords-suite.js';
import { coreSuite } from './core-suite.js';
import { credentialsSuite } from './credentials-suite.js';
import { phoneCodesSuite } from './phone-codes-suite.js';
import { pushSubscriptionsSuite } from './push-subscriptions-suite.js';
import { pushSuite } from './push-suite.js';
import { rateLimitsSuite } from './rate-limits-suite.js';
import { recoveryCodesSuite } from './recovery-codes-suite.js';
import { sessionGenerationsSuite } from './session-generations-suite.js';
import { openStore, releaseStore, storePerTest } from './store-per-test.js';
import type { MakeStore, SuiteStore } from './store-per-test.js';

/** Each facet's suite; a Record, so a new facet cannot be added without one. */
const SUITES: { readonly [F in FacetName]: (store: SuiteStore, closes: boolean) => void } = {
  core: coreSuite,
  rateLimits: rateLimitsSuite,
  phoneCodes: phoneCodesSuite,
  appPasswords: appPasswordsSuite,
  push: pushSuite,
  pushSubscriptions: pushSubscriptionsSuite,
  credentials: credentialsSuite,
  recoveryCodes: recoveryCodesSuite,
  sessionGenerations: sessionGenerationsSuite,
};

/**
 * Registers, with node:test, the conformance suite of an MfaStore implementation: for the core
 * facet and for every other facet the store has, each method's behaviour and the 30-way parallel
 * checks of its atomic operations. Call it at the top level of a test file; run the file with
 * `node --test`.
 *
 * `makeStore` is called once to see which facets the store has, then once per test: it must
 * return a fresh, empty store (or `{ store, cleanup }`, cleanup running after the store is
 * closed), e.g. a new schema or table prefix each time. With close(), the store is closed after
 * each test, and every call must reject once it is.
 */
export function storeConformance(name: string, makeStore: MakeStore): void {
  describe(`${name} conforms to MfaStore`, async () => {
    const probe = await openStore(makeStore);
    const present = FACET_NAMES.filter((facet) => facet === 'core' || probe.store[facet] !== undefined);
    const problems = facetProblems(probe.store, present);
    const closes = typeof probe.store.close === 'function';
    await releaseStore(probe);

    it(`has the core facet and every method of each facet it has (${present.join(', ')})`, () => {
      assert.deepEqual(problems, []);
    });

    const store = storePerTest(makeStore);
    for (const facet of present) describe(`${facet}: ${FACETS[facet].about}`, () => SUITES[facet](store, closes));
  });
}
