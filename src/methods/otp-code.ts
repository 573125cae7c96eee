import { InvalidInputError } from '../errors.js';

/** Longest raw input looked at; anything longer is rejected before any other work. */
const MAX_RAW_LENGTH = 64;

/**
 * Turns a submitted one-time code into exactly `digits` ASCII digits, or throws
 * InvalidInputError. Spaces and hyphens people type for readability are dropped; anything else
 * (arrays, objects, non-ASCII digits such as '١٢٣', wrong lengths) is refused.
 */
export function normalizeOtpCode(value: unknown, digits: number): string {
  if (typeof value !== 'string') throw new InvalidInputError('Enter the verification code.', 'code_missing');
  if (value.length > MAX_RAW_LENGTH) throw new InvalidInputError('That code is too long.', 'code_malformed');
  const compact = value.replace(/[\s-]/g, '');
  if (compact.length === 0) throw new InvalidInputError('Enter the verification code.', 'code_missing');
  if (!/^[0-9]+$/.test(compact) || compact.length !== digits) {
    throw new InvalidInputError(`The verification code is ${digits} digits (0-9).`, 'code_malformed');
  }
  return compact;
}
