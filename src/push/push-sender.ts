import type { PushSubscriptionRecord } from '../stores/push-records.js';
import type { PROTOCOL_VERSION } from './protocol-version.js';

/**
 * What a push message tells a device: only that a request is waiting for it. Deliberately no
 * challenge id, number, context or secret: push services (Google, Mozilla, Apple, Microsoft) see
 * each message's metadata and hold it until delivery, and even the encrypted payload should not
 * need to be trusted. The device fetches the details over the signed device API (§4.1).
 */
export interface PushMessage {
  /** The push protocol version (docs/push-protocol.md §9). */
  v: typeof PROTOCOL_VERSION;
  type: 'challenge';
  /** The device the message is for (a phone may hold several accounts). */
  deviceId: string;
}

/** How a send ended: delivered to the push service, or the subscription no longer exists. */
export type PushSendResult = 'sent' | 'gone';

/**
 * Tells a sleeping device "a challenge is waiting" through a vendor push service. Separate from
 * the wake-up transport (`wakeup`), which wakes waiting requests inside the app. Implementations
 * throw on any other failure (service down, timeout, rejected); the sign-in never depends on it
 * succeeding.
 */
export interface PushSender {
  send(subscription: PushSubscriptionRecord, message: PushMessage): Promise<PushSendResult>;
  /**
   * Whether this sender may POST to `endpoint`. The server POSTs wherever a device's subscription
   * points, so without this check a device (or a stolen device key) could aim the server at
   * internal hosts (SSRF). Asked when a device registers a subscription (refused with 400) and
   * again before each send (a subscription stored under an older policy is skipped).
   */
  allowsEndpoint(endpoint: string): boolean;
}

export function isPushSender(value: unknown): value is PushSender {
  return typeof value === 'object' && value !== null && typeof (value as PushSender).send === 'function' && typeof (value as PushSender).allowsEndpoint === 'function';
}
