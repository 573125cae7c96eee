import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
/** Stands in for a stored hash where there is none, so every check costs one scrypt run. */
const DUMMY_HASH = `${'A'.repeat(22)}==:${'A'.repeat(43)}=`;

/** `salt:hash` (base64) of an account password, scrypt over its NFKC form. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFKC'), salt, 32);
  return `${salt.toString('base64')}:${hash.toString('base64')}`;
}

/**
 * Whether `password` matches `stored`; with no stored hash (unknown user) it hashes anyway and
 * answers false, so response time does not reveal which usernames exist.
 */
export async function passwordMatches(password: string, stored: string | undefined): Promise<boolean> {
  const [salt, expected] = (stored ?? DUMMY_HASH).split(':');
  const actual = await scryptAsync(password.normalize('NFKC'), Buffer.from(salt!, 'base64'), 32);
  return timingSafeEqual(actual, Buffer.from(expected!, 'base64')) && stored !== undefined;
}

/** One scrypt run that can match nothing: what a check costs where there is no account. */
export async function dummyPasswordCheck(password: string): Promise<void> {
  await passwordMatches(password, undefined);
}
