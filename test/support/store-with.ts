import { FACET_NAMES, facetProblems } from '../../src/stores/mfa-store.js';
import type { MfaStore, OptionalFacetName, StoreWith } from '../../src/stores/mfa-store.js';

/** Every facet but core: the built-in stores have them all. */
export const OPTIONAL_FACETS = FACET_NAMES.filter((f): f is OptionalFacetName => f !== 'core');

/** `store`, typed as having `facets`; throws when it lacks one, so a test never reads a missing facet. */
export function storeWith<F extends OptionalFacetName>(store: MfaStore, facets: readonly F[]): StoreWith<F> {
  const problems = facetProblems(store, facets);
  if (problems.length > 0) throw new Error(`the store under test ${problems.join('; ')}`);
  return store as StoreWith<F>;
}
