import type { PushSubscriptionRecord } from '../push-records.js';

/**
 * The push-subscriptions facet: each push device's Web Push subscription, one per device.
 * Needed only with `push.sender`. Conventions: see ./core.ts.
 */
export interface PushSubscriptionStore {
  /**
   * ATOMIC. Keep `subscription` as its device's one subscription, replacing any previous one.
   *
   * `INSERT INTO push_subscriptions (…) VALUES (…) ON CONFLICT (device_id) DO UPDATE SET …`
   */
  put(subscription: PushSubscriptionRecord): Promise<void>;

  /** The user's subscriptions, oldest first. */
  list(userId: string): Promise<PushSubscriptionRecord[]>;

  /**
   * ATOMIC. Delete the device's subscription; with `endpoint`, only while it is still that one
   * (a push service's "410 Gone" for an old endpoint must not delete a newer subscription).
   * Returns whether one was deleted.
   *
   * `DELETE FROM push_subscriptions WHERE device_id = :deviceId AND (:endpoint IS NULL OR endpoint = :endpoint)`
   */
  delete(deviceId: string, endpoint?: string): Promise<boolean>;
}
