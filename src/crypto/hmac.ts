import { createHmac } from 'node:crypto';

/** HMAC-SHA-256 of a UTF-8 message, base64url: the keyed hash stored for phone codes and app passwords. */
export function hmacSha256(key: Buffer, message: string): string {
  return hmacSha256Bytes(key, message).toString('base64url');
}

/** HMAC-SHA-256 of a UTF-8 message as raw bytes, for values derived from it (push activation codes). */
export function hmacSha256Bytes(key: Buffer, message: string): Buffer {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}
