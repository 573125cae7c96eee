import { facetMethods } from '../../src/stores/mfa-store.js';
import type { MfaStore } from '../../src/stores/mfa-store.js';
import { aroundStoreMethods } from './facet-proxy.js';
import type { StoreMethodPath } from './facet-proxy.js';

/**
 * A real store behind a switch: while failing, the chosen methods (every core method by default)
 * reject as a lost database connection would. close() never fails, so tests can clean up.
 */
export class FailingStore<S extends MfaStore = MfaStore> {
  readonly store: S;
  #failing: ReadonlySet<string> = new Set();

  constructor(inner: S) {
    this.store = aroundStoreMethods(inner, (path, call) =>
      this.#failing.has(path) ? Promise.reject(new Error(`simulated outage: ${path}`)) : call(),
    ) as S;
  }

  /** Makes `methods` (or every core method) fail from now on. */
  fail(...methods: StoreMethodPath[]): void {
    this.#failing = methods.length > 0 ? new Set(methods) : ALL;
  }

  recover(): void {
    this.#failing = new Set();
  }
}

const ALL: ReadonlySet<string> = new Set(facetMethods('core').map((m) => `core.${m}`));
