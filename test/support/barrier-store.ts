import type { MfaStore } from '../../src/stores/mfa-store.js';
import { aroundStoreMethods } from './facet-proxy.js';
import type { StoreMethodPath } from './facet-proxy.js';

/**
 * Wraps a store so that, once armed, the next `parties` calls of one method wait for each other
 * and then proceed together. Armed on the read that precedes a check-then-write, it forces the
 * worst interleaving of parallel requests (everyone reads before anyone writes) on every run,
 * instead of hoping the event loop produces it.
 */
export class BarrierStore {
  readonly store: MfaStore;
  #armed: { method: string; parties: number; waiting: (() => void)[] } | null = null;

  constructor(inner: MfaStore) {
    this.store = aroundStoreMethods(inner, async (path, call) => {
      await this.#arrive(path);
      return call();
    });
  }

  arm(method: StoreMethodPath, parties: number): void {
    this.#armed = { method, parties, waiting: [] };
  }

  #arrive(method: string): Promise<void> {
    const armed = this.#armed;
    if (!armed || armed.method !== method) return Promise.resolve();
    return new Promise((resolve) => {
      armed.waiting.push(resolve);
      if (armed.waiting.length === armed.parties) {
        this.#armed = null;
        for (const release of armed.waiting) release();
      }
    });
  }
}
