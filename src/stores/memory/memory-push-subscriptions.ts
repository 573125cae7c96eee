import type { PushSubscriptionStore } from '../facets/push-subscriptions.js';
import type { PushSubscriptionRecord } from '../push-records.js';
import { oldestFirst } from './oldest-first.js';

/** MemoryStore's push-subscriptions facet. */
export class MemoryPushSubscriptions implements PushSubscriptionStore {
  readonly #subscriptions = new Map<string, PushSubscriptionRecord>();
  readonly #open: () => void;

  constructor(ensureOpen: () => void) {
    this.#open = ensureOpen;
  }

  async put(subscription: PushSubscriptionRecord): Promise<void> {
    this.#open();
    this.#subscriptions.set(subscription.deviceId, structuredClone(subscription));
  }

  async list(userId: string): Promise<PushSubscriptionRecord[]> {
    this.#open();
    return oldestFirst(this.#subscriptions.values(), userId);
  }

  async delete(deviceId: string, endpoint?: string): Promise<boolean> {
    this.#open();
    const current = this.#subscriptions.get(deviceId);
    if (!current || (endpoint !== undefined && current.endpoint !== endpoint)) return false;
    return this.#subscriptions.delete(deviceId);
  }
}
