import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { PublicJwk } from '../stores/push-records.js';

const COORDINATE = /^[A-Za-z0-9_-]{43}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{86}$/;

/** The P-256 public JWK in `value` (only kty, crv, x, y kept), or null when it is anything else. */
export function parsePublicJwk(value: unknown): PublicJwk | null {
  if (typeof value !== 'object' || value === null) return null;
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || 'd' in jwk) return null;
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string' || !COORDINATE.test(jwk.x) || !COORDINATE.test(jwk.y)) return null;
  const key: PublicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  return toKeyObject(key) ? key : null;
}

/**
 * Whether `signature` (base64url, IEEE P1363 r‖s) is a valid ECDSA P-256/SHA-256 signature by
 * `key` over the UTF-8 bytes of `message`. Never throws on bad input.
 */
export function verifySignature(key: PublicJwk, message: string, signature: unknown): boolean {
  if (typeof signature !== 'string' || !SIGNATURE.test(signature)) return false;
  const keyObject = toKeyObject(key);
  if (!keyObject) return false;
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), { key: keyObject, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

const cache = new Map<string, KeyObject>();

/** Parses (and caches) the key; null when the point is not on the curve. */
function toKeyObject(key: PublicJwk): KeyObject | null {
  const id = `${key.x}.${key.y}`;
  const cached = cache.get(id);
  if (cached) return cached;
  try {
    const keyObject = createPublicKey({ key: { ...key }, format: 'jwk' });
    if (cache.size >= 10_000) cache.clear();
    cache.set(id, keyObject);
    return keyObject;
  } catch {
    return null;
  }
}
