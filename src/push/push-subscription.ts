import { InvalidInputError } from '../errors.js';

/** Longest accepted endpoint URL; real push services use a few hundred characters. */
const MAX_ENDPOINT_LENGTH = 2048;

export interface ParsedPushSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
}

const invalid = (why: string) => new InvalidInputError(`Invalid push subscription: ${why}.`, 'invalid_request');

/**
 * Checks a device's PushSubscription JSON (`{ endpoint, expirationTime?, keys: { p256dh, auth } }`,
 * docs/push-protocol.md §6.1) strictly: the server will POST to `endpoint`, so only an https URL
 * (Web Push is https-only, RFC 8030 §8) without credentials or fragment, and keys that decode to
 * a P-256 point (65 bytes, uncompressed) and a 16-byte auth secret.
 */
export function parsePushSubscription(body: unknown): ParsedPushSubscription {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('expected a JSON object');
  const { endpoint, keys, expirationTime, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw invalid(`unknown member ${Object.keys(rest)[0]}`);
  if (expirationTime !== undefined && expirationTime !== null && typeof expirationTime !== 'number') throw invalid('expirationTime must be a number or null');
  if (typeof endpoint !== 'string' || endpoint.length > MAX_ENDPOINT_LENGTH) throw invalid(`endpoint must be a URL of at most ${MAX_ENDPOINT_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid('endpoint is not a URL');
  }
  if (url.protocol !== 'https:') throw invalid('endpoint must be an https: URL');
  if (url.username || url.password || url.hash || url.href !== endpoint) throw invalid('endpoint must be a plain URL (no credentials, no fragment, normalised)');
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) throw invalid('keys must be an object with p256dh and auth');
  const { p256dh, auth, ...extra } = keys as Record<string, unknown>;
  if (Object.keys(extra).length > 0) throw invalid(`unknown member keys.${Object.keys(extra)[0]}`);
  const point = base64urlBytes(p256dh);
  if (!point || point.length !== 65 || point[0] !== 4) throw invalid('keys.p256dh must be a base64url P-256 public key (65 bytes)');
  const secret = base64urlBytes(auth);
  if (!secret || secret.length !== 16) throw invalid('keys.auth must be 16 bytes, base64url');
  return { endpoint, p256dh: point.toString('base64url'), auth: secret.toString('base64url') };
}

/** Decodes base64url, tolerating the "=" padding some browsers add; null when not base64url. */
function base64urlBytes(value: unknown): Buffer | null {
  if (typeof value !== 'string' || value.length > 128) return null;
  const bare = value.replace(/=+$/, '');
  return /^[A-Za-z0-9_-]+$/.test(bare) ? Buffer.from(bare, 'base64url') : null;
}
