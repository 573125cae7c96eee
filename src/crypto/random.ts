import { randomBytes } from 'node:crypto';

/** Source of cryptographically secure random bytes; injectable so tests can be deterministic. */
export type RandomSource = (size: number) => Buffer;

export const secureRandom: RandomSource = (size) => randomBytes(size);

/** A 128-bit random identifier, base64url. */
export function randomId(random: RandomSource): string {
  return random(16).toString('base64url');
}
