import { ConfigurationError } from '../errors.js';
import { facetProblems } from './mfa-store.js';
import type { FacetName } from './mfa-store.js';

/** A feature that is turned on, the facets it needs, and how to turn it off. */
export interface FacetNeed {
  /** What needs them, as the host configured it, e.g. "push (on unless push.enabled is false)". */
  feature: string;
  facets: readonly FacetName[];
  /** The option that turns the feature off, e.g. "set push.enabled = false". */
  orElse: string;
}

/**
 * The startup capability check: throws one ConfigurationError naming every facet (or facet
 * method) the store lacks for the features that are on, so such a store is refused before it
 * serves a request.
 */
export function requireFacets(store: unknown, needs: readonly FacetNeed[]): void {
  const problems = needs.flatMap(({ feature, facets, orElse }) =>
    facetProblems(store, facets).map((problem) => `  - store: ${problem}, which ${feature} needs; complete the store or ${orElse}`),
  );
  if (problems.length > 0) throw new ConfigurationError(`createMfa(): invalid options:\n${problems.join('\n')}`);
}
