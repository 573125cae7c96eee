import { InvalidInputError, VerificationFailedError } from '../../errors.js';
import type { FactorRecord } from '../../stores/facets/core.js';
import type { CheckResult } from '../method.js';
import { normalizeOtpCode } from '../otp-code.js';
import type { TotpMethod } from './totp-method.js';

/** The one-time-password check: a malformed code counts as a wrong one; a reused one is a replay. */
export async function checkTotpCode(totp: TotpMethod, factors: readonly FactorRecord[], input: unknown): Promise<CheckResult> {
  let code: string;
  try {
    code = normalizeOtpCode(input, totp.digits);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return { ok: false, counts: true, reason: error.code, error };
  }
  const result = await totp.verify(factors, code);
  if (result.ok) return { ok: true, factorId: result.factorId };
  const error = result.reason === 'replayed'
    ? new VerificationFailedError('That code was already used. Wait for the next code and enter it.')
    : new VerificationFailedError();
  return { ok: false, counts: true, reason: result.reason, error };
}
