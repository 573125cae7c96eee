import { StoreUnavailableError } from '../errors.js';
import type { MfaStore } from './store.js';

/**
 * Wraps a store so that any failure of the backend surfaces as StoreUnavailableError (503):
 * callers then refuse the second step instead of skipping it or answering 500.
 */
export function guardStore(store: MfaStore, onFailure: (error: unknown) => void): MfaStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          if (error instanceof StoreUnavailableError) throw error;
          onFailure(error);
          throw new StoreUnavailableError(error);
        }
      };
    },
  });
}
