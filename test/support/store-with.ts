import { facetProblems } from '../../src/stores/mfa-store.js';
import type { MfaStore, OptionalFacetName, StoreWith } from '../../src/stores/mfa-store.js';

/** The facets every built-in store has: what the HTTP tests read and write directly. */
export const BUILT_IN_FACETS = ['rateLimits', 'phoneCodes', 'appPasswords', 'push', 'pushSubscriptions'] as const;
export type BuiltInStore = StoreWith<(typeof BUILT_IN_FACETS)[number]>;

/** `store`, typed as having `facets`; throws when it lacks one, so a test never reads a missing facet. */
export function storeWith<F extends OptionalFacetName>(store: MfaStore, facets: readonly F[]): StoreWith<F> {
  const problems = facetProblems(store, facets);
  if (problems.length > 0) throw new Error(`the store under test ${problems.join('; ')}`);
  return store as StoreWith<F>;
}
