import type { MfaStore } from '../../src/stores/store.js';

export type StoreMethod = Exclude<keyof MfaStore, 'close'>;

/**
 * A real store behind a switch: while failing, the chosen methods (all by default) reject as a
 * lost database connection would. close() never fails, so tests can clean up.
 */
export class FailingStore {
  readonly store: MfaStore;
  #failing: ReadonlySet<string> = new Set();

  constructor(inner: MfaStore) {
    this.store = new Proxy(inner, {
      get: (target, property, receiver) => {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          this.#failing.has(String(property))
            ? Promise.reject(new Error(`simulated outage: ${String(property)}`))
            : (value as (...a: unknown[]) => unknown).apply(target, args);
      },
    });
  }

  /** Makes `methods` (or every method) fail from now on. */
  fail(...methods: StoreMethod[]): void {
    this.#failing = methods.length > 0 ? new Set(methods) : ALL;
  }

  recover(): void {
    this.#failing = new Set();
  }
}

const ALL: ReadonlySet<string> = new Set<StoreMethod>([
  'createFactor', 'getFactor', 'listFactors', 'confirmFactor', 'deleteFactor', 'deleteUnconfirmedFactors',
  'consumeTimeStep', 'getLockout', 'recordFailure', 'resetFailures',
]);
