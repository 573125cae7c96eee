import { InvalidInputError, VerificationFailedError } from '../../errors.js';
import type { MfaError } from '../../errors.js';
import type { AmrValue } from '../../policy/assurance.js';
import type { CheckResult, VerifyInput } from '../method.js';
import { validateKeyName } from './security-keys.js';
import type { SecurityKeyFailure, SecurityKeys } from './security-keys.js';

/**
 * The security key's check for the attempt runner: a registration while enrolling (the key is
 * stored as the enrolling factor's credential), else a sign-in with one of the user's keys.
 */
export async function checkSecurityKey(keys: SecurityKeys, input: VerifyInput): Promise<CheckResult> {
  const { body, state } = input;
  if (input.enrolling) {
    const factor = input.factors[0]!;
    let name: string;
    try {
      name = validateKeyName(body.name);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return { ok: false, reason: 'invalid_name', error, counts: false };
    }
    const result = await keys.register(factor, { response: body.response, state, name });
    return result.ok ? { ok: true, factorId: factor.id, amr: keyAmr(result.key.multiDevice) } : failure(result.reason);
  }
  const result = await keys.signIn(input.userId, input.factors, { response: body.response, state });
  return result.ok ? { ok: true, factorId: result.factorId, amr: keyAmr(result.multiDevice) } : failure(result.reason);
}

/**
 * RFC 8176 values of a key's answer: proof of possession of a key ('pop') by a user who was
 * present ('user'), the key bound to one device ('hwk') or a passkey synced between devices and
 * so held in software somewhere ('swk'). Attestation is not asked for, so 'hwk' is what the
 * authenticator says of itself (not backed up), not a certified claim.
 */
function keyAmr(multiDevice: boolean): AmrValue[] {
  return [multiDevice ? 'swk' : 'hwk', 'pop', 'user'];
}

/**
 * Whether each failure is a guess (counted toward the shared lockout) and what the user reads.
 * A missing or expired challenge is a page left open or a browser without JavaScript, not a
 * guess; everything an attacker could try (a replay, a foreign or forged answer) counts.
 */
const FAILURES: Record<SecurityKeyFailure, { counts: boolean; error: () => MfaError }> = {
  challenge_missing: { counts: false, error: () => new InvalidInputError('Your browser did not send an answer from a security key. Turn on JavaScript, then try again.', 'challenge_missing') },
  challenge_expired: { counts: false, error: () => new VerificationFailedError('The security key request expired. Try again.') },
  challenge_used: { counts: true, error: () => new VerificationFailedError('That security key answer was already used. Try again.') },
  malformed: { counts: true, error: () => new InvalidInputError('The answer from the security key was not readable. Try again.') },
  unknown_credential: { counts: true, error: () => new VerificationFailedError('That security key is not registered to your account. Use a key you registered.') },
  invalid_response: { counts: true, error: () => new VerificationFailedError('Your security key could not be verified. Try again.') },
  not_verified: { counts: true, error: () => new VerificationFailedError('Your security key could not be verified. Try again.') },
  user_not_verified: {
    counts: true,
    error: () => new VerificationFailedError('Your security key did not check your PIN or fingerprint, which this site requires. Try again and enter your PIN (or touch the sensor) when asked.'),
  },
  already_registered: { counts: false, error: () => new InvalidInputError('This security key is already registered. Use another key.', 'already_registered') },
  counter_regressed: {
    counts: true,
    error: () => new VerificationFailedError('This security key cannot be trusted right now (it may have been copied). Use another method, and tell your administrator.'),
  },
};

function failure(reason: SecurityKeyFailure): CheckResult {
  const { counts, error } = FAILURES[reason];
  return { ok: false, reason, counts, error: error() };
}
