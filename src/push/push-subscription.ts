import { InvalidInputError } from '../errors.js';
import { parseMessage } from './parse-message.js';
import { pushSubscriptionRequestSchema } from './protocol-schemas.js';

export interface ParsedPushSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
}

const invalid = (why: string) => new InvalidInputError(`Invalid push subscription: ${why}.`, 'invalid_request');

/**
 * Checks a device's PushSubscription JSON (docs/push-protocol.md §6.1) strictly: its shape by the
 * published schema, then what a schema cannot say. The server will POST to `endpoint`, so only a
 * normalised https URL (Web Push is https-only, RFC 8030 §8) without credentials or fragment, and
 * keys that decode to an uncompressed P-256 point and a 16-byte auth secret.
 */
export function parsePushSubscription(body: unknown): ParsedPushSubscription {
  const { endpoint, keys } = parseMessage(pushSubscriptionRequestSchema, body, 'invalid_request', 'push subscription');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid('endpoint is not a URL');
  }
  if (url.username || url.password || url.hash || url.href !== endpoint) throw invalid('endpoint must be a plain URL (no credentials, no fragment, normalised)');
  const point = Buffer.from(keys.p256dh.replace(/=+$/, ''), 'base64url');
  if (point[0] !== 4) throw invalid('keys.p256dh must be a base64url P-256 public key (65 bytes, uncompressed)');
  return { endpoint, p256dh: point.toString('base64url'), auth: Buffer.from(keys.auth.replace(/=+$/, ''), 'base64url').toString('base64url') };
}
