import { InvalidInputError, VerificationFailedError } from '../../errors.js';
import type { CompleteStore } from '../../stores/guarded-store.js';
import type { CheckResult, VerifyInput } from '../method.js';
import { normalizeOtpCode } from '../otp-code.js';
import { verifiedPhoneIn } from './phone-factor.js';
import type { PhoneMethod } from './phone-method.js';
import type { PhoneSignInState } from './verify-routes.js';

/** A sign-in code sent to the user's verified phone; the store consumes it at most once. */
export async function checkPhoneCode(deps: { phone: PhoneMethod; store: CompleteStore; clock: () => number }, input: VerifyInput): Promise<CheckResult> {
  let code: string;
  try {
    code = normalizeOtpCode(input.body.code, deps.phone.digits);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return { ok: false, counts: true, reason: error.code, error };
  }
  const factor = verifiedPhoneIn(input.factors);
  const wrong = new VerificationFailedError('That code is not valid or has expired. Check the latest message, or send a new code.');
  if (!factor) return { ok: false, counts: true, reason: 'no_factor', error: wrong };
  if (!(await deps.phone.check(input.userId, 'signin', factor.data.e164, code))) return { ok: false, counts: true, reason: 'invalid_code', error: wrong };
  // Records lastUsedAt; the "step" is the time in ms, which only grows, so it never refuses a use.
  const now = deps.clock();
  await deps.store.core.consumeTimeStep(factor.id, now, now);
  // The live code is the one sent last (a resend replaces it), so its channel is the one recorded.
  const byCall = (input.state as PhoneSignInState | undefined)?.channel === 'voice';
  return { ok: true, factorId: factor.id, amr: [byCall ? 'tel' : 'sms'] };
}

/** The code that proves a number being added: null when it matches, else the failure. */
export async function checkEnrollmentCode(phone: PhoneMethod, userId: string, e164: string, input: unknown): Promise<Extract<CheckResult, { ok: false }> | null> {
  const wrong = new VerificationFailedError('That code is not valid or has expired. Check the latest message, or send a new code.');
  let code: string;
  try {
    code = normalizeOtpCode(input, phone.digits);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    // Guessing here is as dangerous as at sign-in (it proves a number), so it counts the same.
    return { ok: false, counts: true, reason: error.code, error: wrong };
  }
  return (await phone.check(userId, 'enroll', e164, code)) ? null : { ok: false, counts: true, reason: 'invalid_code', error: wrong };
}
