import type { MfaEvent } from '../events.js';
import type { StoreWith } from '../stores/mfa-store.js';
import type { PushChallengeRecord } from '../stores/push-records.js';
import { addressedTo } from './challenge.js';
import { PROTOCOL_VERSION } from './protocol-version.js';
import type { PushSender } from './push-sender.js';

export interface WebPushDeliveryOptions {
  store: StoreWith<'push' | 'pushSubscriptions'>;
  sender: PushSender;
  emit: (event: Omit<MfaEvent, 'at'>) => void;
}

/**
 * Sends "a request is waiting" to every subscribed device that may answer `challenge`. Never
 * throws: the long-poll still delivers the challenge, so a push service that is down, slow or
 * refusing only costs the sleeping phone its wake-up (audit event `push.webpush_failed`). A
 * subscription the push service reports gone (404/410) is deleted, unless the device replaced it
 * meanwhile; one whose endpoint the sender no longer allows is skipped (`endpoint_not_allowed`).
 */
export async function deliverByWebPush(o: WebPushDeliveryOptions, challenge: PushChallengeRecord): Promise<void> {
  const { store, sender, emit } = o;
  let subscriptions;
  try {
    subscriptions = await store.pushSubscriptions.list(challenge.userId);
  } catch {
    emit({ type: 'push.webpush_failed', userId: challenge.userId, challengeId: challenge.id, reason: 'store_unavailable' });
    return;
  }
  await Promise.all(subscriptions.map(async (subscription) => {
    const failed = (reason: string) =>
      emit({ type: 'push.webpush_failed', userId: challenge.userId, challengeId: challenge.id, factorId: subscription.deviceId, reason });
    try {
      const [device, factor] = await Promise.all([store.push.getDevice(subscription.deviceId), store.core.getFactor(subscription.deviceId)]);
      if (!device || device.disabledAt !== null || !addressedTo(challenge, device, factor)) return;
      // Stored before the allow-list changed (or by another sender): never POST there.
      if (!sender.allowsEndpoint(subscription.endpoint)) return failed('endpoint_not_allowed');
      if ((await sender.send(subscription, { v: PROTOCOL_VERSION, type: 'challenge', deviceId: device.id })) === 'gone') {
        await store.pushSubscriptions.delete(subscription.deviceId, subscription.endpoint);
        failed('subscription_gone');
      }
    } catch (error) {
      failed(error instanceof Error && /timeout/i.test(error.message) ? 'timeout' : 'send_failed');
    }
  }));
}
