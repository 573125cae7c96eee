import { ConfigurationError, StoreUnavailableError } from '../errors.js';
import { FACET_NAMES, FACETS, facetMethods } from './mfa-store.js';
import type { FacetName, MfaStore, OptionalFacetName, StoreFacets, StoreWith } from './mfa-store.js';

/** A store with every facet: what the rest of passport-mfa sees (see refuseAbsentFacets). */
export type CompleteStore = StoreWith<OptionalFacetName>;

/**
 * Wraps each facet of a store so that any failure of its backend surfaces as
 * StoreUnavailableError (503): callers then refuse the second step instead of skipping it or
 * answering 500. Facets the store lacks stay absent.
 */
export function guardStore(store: MfaStore, onFailure: (error: unknown) => void): MfaStore {
  const guarded: Partial<Record<FacetName, object>> = {};
  for (const name of FACET_NAMES) {
    const facet = store[name];
    if (facet) guarded[name] = guardFacet(facet, name, onFailure);
  }
  return { ...(guarded as Pick<StoreFacets, 'core'>), close: async () => store.close?.() };
}

/**
 * Fills each facet the store lacks with one whose every call rejects with a ConfigurationError
 * naming it. createMfa() has refused the store at startup if an enabled feature needs a facet it
 * lacks, so only code of a feature that is off can meet one, and it then fails closed and loudly.
 */
export function refuseAbsentFacets(store: MfaStore): CompleteStore {
  const complete: Partial<Record<FacetName, object>> = {};
  for (const name of FACET_NAMES) complete[name] = store[name] ?? absentFacet(name);
  return { ...(complete as StoreFacets), close: async () => store.close?.() };
}

function guardFacet(facet: object, name: FacetName, onFailure: (error: unknown) => void): object {
  const target = facet as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const refuse = (error: unknown): never => {
    if (error instanceof StoreUnavailableError) throw error;
    onFailure(error);
    throw new StoreUnavailableError(error);
  };
  // Not async functions: one promise per call rather than three (every request makes several).
  return Object.fromEntries(facetMethods(name).map((method) => [method, (...args: unknown[]) => {
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(target[method]!(...args));
    } catch (error) {
      result = Promise.reject(error);
    }
    return result.catch(refuse);
  }]));
}

function absentFacet(name: FacetName): object {
  return Object.fromEntries(facetMethods(name).map((method) => [method, async () => {
    throw new ConfigurationError(
      `passport-mfa: the store has no \`${name}\` facet (${FACETS[name].about}), needed by ${name}.${method}(); ` +
        'MemoryStore and SqliteStore have every facet.',
    );
  }]));
}
