import { createHmac } from 'node:crypto';

/** HMAC-SHA-256 of a UTF-8 message, base64url: the keyed hash stored for phone codes and app passwords. */
export function hmacSha256(key: Buffer, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('base64url');
}
