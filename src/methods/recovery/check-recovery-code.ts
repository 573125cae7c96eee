import { InvalidInputError, VerificationFailedError } from '../../errors.js';
import type { Emit } from '../../events.js';
import type { CheckResult, VerifyInput } from '../method.js';
import type { RecoveryCodes } from './recovery-codes.js';

/** The id of the recovery-code method: the `method` of its events and of a session it completed. */
export const RECOVERY_CODE_ID = 'recovery_code';

/**
 * A recovery code's check for the attempt runner. Every wrong or malformed code is a guess and
 * counts toward the shared lockout; a used one is gone for good, and the event says how many are left.
 */
export async function checkRecoveryCode(codes: RecoveryCodes, emit: Emit, input: VerifyInput): Promise<CheckResult> {
  if (input.enrolling) {
    return { ok: false, reason: 'method_unavailable', counts: true, error: new InvalidInputError('Recovery codes cannot confirm a setup.') };
  }
  const result = await codes.use(input.userId, input.body.code);
  if (!result.ok) {
    const error =
      result.reason === 'code_malformed'
        ? new InvalidInputError('Enter a recovery code as it was shown: 16 letters and digits, e.g. "abcd-efgh-jkmn-pqrs".', 'code_malformed')
        : new VerificationFailedError('That recovery code is not valid, or was already used.');
    return { ok: false, reason: result.reason, counts: true, error };
  }
  // The runner's second_factor.succeeded follows with the IP address.
  emit({ type: 'recovery_code.used', userId: input.userId, method: RECOVERY_CODE_ID, remaining: result.remaining });
  return { ok: true, factorId: RECOVERY_CODE_ID };
}
