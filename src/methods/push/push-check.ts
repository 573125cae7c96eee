import { PushNotApprovedError } from '../../errors.js';
import type { PushNotApprovedCode } from '../../errors.js';
import type { PushChallengeRecord } from '../../stores/push-records.js';
import type { CheckResult, VerifyInput } from '../method.js';
import type { PushCompletion, PushMethod } from './push-method.js';
import type { PushState } from './wait-page.js';

const MESSAGES: Record<Exclude<PushCompletion, { ok: true }>['reason'], [PushNotApprovedCode, string]> = {
  pending: ['push_pending', 'We have not received your approval yet. Approve the request in the app, then try again.'],
  denied: ['push_denied', 'The request was denied in the app. Send another notification, or use a verification code.'],
  failed: ['push_failed', 'A wrong number or PIN was entered in the app, so the request was refused. Send another notification, or use a verification code.'],
  reported: ['push_reported', 'The request was reported as "This wasn\'t me". Notifications are paused; use a verification code.'],
  expired: ['push_expired', 'The request expired before it was approved. Send another notification, or use a verification code.'],
  unavailable: ['push_unavailable', 'There is no notification waiting for this sign-in. Send a new one.'],
};

/** Why a notification that is no longer pending did not sign in, as the waiting page says it after a reload. */
export function endedMessage(challenge: PushChallengeRecord, now: number): string | null {
  const reason = challenge.status === 'fraud' ? 'reported'
    : challenge.status === 'denied' || challenge.status === 'failed' ? challenge.status
      : challenge.status === 'pending' && now >= challenge.expiresAt ? 'expired' : null;
  return reason ? MESSAGES[reason][1] : null;
}

/**
 * The notification check: completes with the challenge this session sent (its id is in the
 * pending sign-in), if a device approved it; the approval is consumed atomically. Nothing here
 * is a guess (a wrong number was already counted when the device sent it), so no failure counts.
 */
export async function checkPushApproval(push: PushMethod, input: VerifyInput): Promise<CheckResult> {
  const state = input.state as PushState | undefined;
  const enrollFactorId = input.enrolling ? input.factors[0]?.id : undefined;
  const result = await push.complete(input.userId, state?.challengeId, enrollFactorId);
  if (result.ok) return { ok: true, factorId: result.factorId };
  const [code, message] = MESSAGES[result.reason];
  return { ok: false, counts: false, reason: code, error: new PushNotApprovedError(code, message) };
}
