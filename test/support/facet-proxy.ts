import { FACET_NAMES, facetMethods } from '../../src/stores/mfa-store.js';
import type { FacetName, MfaStore, StoreFacets } from '../../src/stores/mfa-store.js';

/** One store method by its path, e.g. 'core.listFactors' or 'push.consumeNonce'. */
export type StoreMethodPath = { [F in FacetName]: `${F}.${keyof StoreFacets[F] & string}` }[FacetName];

/**
 * A view of `inner` whose every facet method goes through `around(path, call)`, which decides
 * when and whether `call()` (the real method) runs. Facets the store lacks stay absent.
 */
export function aroundStoreMethods(inner: MfaStore, around: (path: StoreMethodPath, call: () => Promise<unknown>) => Promise<unknown>): MfaStore {
  const view: Partial<Record<FacetName, object>> = {};
  for (const name of FACET_NAMES) {
    const facet = inner[name] as Record<string, (...args: unknown[]) => Promise<unknown>> | undefined;
    if (!facet) continue;
    view[name] = Object.fromEntries(facetMethods(name).map((method) => [
      method,
      (...args: unknown[]) => around(`${name}.${method}` as StoreMethodPath, () => facet[method]!(...args)),
    ]));
  }
  return { ...(view as Pick<StoreFacets, 'core'>), close: async () => inner.close?.() };
}
