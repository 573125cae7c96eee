import type { MfaContext } from '../context.js';
import { LockedOutError, PendingExpiredError, PushNotApprovedError } from '../errors.js';
import type { PushNotApprovedCode } from '../errors.js';
import type { PushCompletion } from '../methods/push.js';
import type { SecondFactorOutcome } from '../second-factor.js';

const MESSAGES: Record<Exclude<PushCompletion, { ok: true }>['reason'], [PushNotApprovedCode, string]> = {
  pending: ['push_pending', 'We have not received your approval yet. Approve the request in the app, then try again.'],
  denied: ['push_denied', 'The request was denied in the app. Send another notification, or use a verification code.'],
  failed: ['push_failed', 'A wrong number or PIN was entered in the app, so the request was refused. Send another notification, or use a verification code.'],
  reported: ['push_reported', 'The request was reported as "This wasn\'t me". Notifications are paused; use a verification code.'],
  expired: ['push_expired', 'The request expired before it was approved. Send another notification, or use a verification code.'],
  unavailable: ['push_unavailable', 'There is no notification waiting for this sign-in. Send a new one.'],
};

/**
 * The push branch of the 'mfa' strategy: completes this session's pending sign-in (or setup)
 * with the challenge the session created, if a device approved it. The approval is consumed
 * atomically; a locked user is refused even with an approval.
 */
export async function attemptPushSecondFactor(
  ctx: MfaContext,
  attempt: { userId: string; challengeId: string | undefined; enrollFactorId: string | undefined; ip: string | undefined },
): Promise<SecondFactorOutcome> {
  const { userId, ip, enrollFactorId } = attempt;
  try {
    await ctx.lockout.assertNotLocked(userId);
  } catch (error) {
    if (error instanceof LockedOutError) return { ok: false, error };
    throw error;
  }
  const result = await ctx.push.complete(userId, attempt.challengeId, enrollFactorId);
  if (!result.ok) {
    const [code, message] = MESSAGES[result.reason];
    return { ok: false, error: new PushNotApprovedError(code, message) };
  }
  if (enrollFactorId !== undefined) {
    if (!(await ctx.store.core.confirmFactor(userId, enrollFactorId, ctx.options.clock()))) {
      return { ok: false, error: new PendingExpiredError('This setup was already finished or expired. Start again.') };
    }
    ctx.emit({ type: 'factor.enrolled', userId, ip, factorId: enrollFactorId, method: 'push' });
  }
  await ctx.lockout.succeed(userId);
  ctx.emit({ type: 'second_factor.succeeded', userId, ip, factorId: result.factorId, method: 'push' });
  return { ok: true, factorId: result.factorId, method: 'push', enrolled: enrollFactorId !== undefined };
}
