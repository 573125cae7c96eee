import { scrypt, timingSafeEqual } from 'node:crypto';
import type { RandomSource } from './random.js';

/** scrypt cost: 2^14 × 8 × 128 B = 16 MiB and tens of milliseconds per hash (OWASP minimum class). */
const N = 16_384;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(secret: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_LENGTH, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * A salted scrypt hash of a low-entropy secret (PIN, activation code), as
 * `scrypt$N$r$p$salt$hash` so the cost can rise later without breaking stored hashes.
 */
export async function slowHash(secret: string, random: RandomSource): Promise<string> {
  const salt = random(16);
  const hash = await derive(secret, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Whether `secret` matches a slowHash() result; false for anything malformed. */
export async function slowHashMatches(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split('$');
  if (scheme !== 'scrypt' || rest.length > 0 || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(secret, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
