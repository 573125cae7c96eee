import type { PushSubscriptionStore } from '../facets/push-subscriptions.js';
import type { PushSubscriptionRecord } from '../push-records.js';
import { oldestFirst } from './oldest-first.js';

/** MemoryStore's push-subscriptions facet. */
export class MemoryPushSubscriptions implements PushSubscriptionStore {
  readonly #subscriptions = new Map<string, PushSubscriptionRecord>();
  /** `ensureOpen` throws once the MemoryStore is closed. */
  constructor(private readonly ensureOpen: () => void) {}

  async put(subscription: PushSubscriptionRecord): Promise<void> {
    this.ensureOpen();
    this.#subscriptions.set(subscription.deviceId, structuredClone(subscription));
  }

  async list(userId: string): Promise<PushSubscriptionRecord[]> {
    this.ensureOpen();
    return oldestFirst(this.#subscriptions.values(), userId);
  }

  async delete(deviceId: string, endpoint?: string): Promise<boolean> {
    this.ensureOpen();
    const current = this.#subscriptions.get(deviceId);
    if (!current || (endpoint !== undefined && current.endpoint !== endpoint)) return false;
    return this.#subscriptions.delete(deviceId);
  }
}
