import type { MfaContext } from '../context.js';
import { safeEqual } from '../crypto/safe-equal.js';
import { ChallengeUnavailableError, DeviceDisabledError, NumberMismatchError, PinIncorrectError } from '../errors.js';
import type { PushDeviceRecord } from '../stores/push-records.js';
import { addressedTo } from './challenge.js';
import type { FraudReport } from './fraud-report.js';
import { readAnswer } from './read-answer.js';

export type AnswerStatus = 'approved' | 'denied' | 'reported';

/**
 * Handles a device's signed answer (docs/push-protocol.md §4.2) for an already authenticated
 * device request. Exactly one answer per challenge wins (atomic resolve in the store).
 */
export async function answerChallenge(ctx: MfaContext, device: PushDeviceRecord, challengeId: string, body: unknown, ip: string | undefined): Promise<AnswerStatus> {
  const { store, push, options } = ctx;
  const now = options.clock();
  const { answer, evidence } = readAnswer(body, device, challengeId, now);
  if (device.disabledAt !== null) throw new DeviceDisabledError();
  const challenge = await store.push.getChallenge(challengeId);
  const factor = await store.core.getFactor(device.id);
  if (!challenge || challenge.status !== 'pending' || now >= challenge.expiresAt || !addressedTo(challenge, device, factor)) {
    throw new ChallengeUnavailableError();
  }
  const userId = device.userId;
  const base = { userId, ip, factorId: device.id, challengeId, method: 'push' };

  if (answer.decision === 'deny') {
    await push.resolve(challengeId, 'denied', device.id, evidence);
    await push.budget.recordDenial(userId);
    ctx.emit({ type: 'push.challenge_answered', ...base, decision: 'deny' });
    return 'denied';
  }
  if (answer.decision === 'fraud') {
    await push.resolve(challengeId, 'fraud', device.id, evidence);
    const blockedUntil = await push.budget.block(userId);
    ctx.emit({ type: 'push.fraud_reported', ...base, decision: 'fraud' });
    await reportFraud(ctx, { userId, challengeId, deviceId: device.id, at: now, context: challenge.context, blockedUntil });
    return 'reported';
  }

  const pin = await push.pins.check(device, answer.pin ?? undefined);
  if (!pin.ok) {
    // A wrong PIN fails the request at once, as a wrong number does: one guess per notification.
    await push.resolve(challengeId, 'failed', device.id, evidence).catch(ignoreUnavailable);
    if (pin.judged) await countFailure(ctx, base, 'pin_incorrect');
    if (pin.attemptsLeft === 0) {
      await push.disableDevice(device.id);
      ctx.emit({ type: 'push.device_disabled', ...base });
      throw new DeviceDisabledError();
    }
    ctx.emit({ type: 'push.pin_failed', ...base });
    throw new PinIncorrectError(pin.attemptsLeft);
  }
  if (!safeEqual(answer.number, challenge.number)) {
    // Number matching: a wrong number is a failed attempt, not a retry.
    await push.resolve(challengeId, 'failed', device.id, evidence);
    await countFailure(ctx, base, 'number_mismatch');
    throw new NumberMismatchError();
  }
  await push.resolve(challengeId, 'approved', device.id, evidence);
  ctx.emit({ type: 'push.challenge_answered', ...base, decision: 'approve' });
  return 'approved';
}

/** Counts a failed second-factor attempt toward the user's lockout. */
async function countFailure(ctx: MfaContext, base: { userId: string; ip: string | undefined; factorId: string; challengeId: string; method: string }, reason: string): Promise<void> {
  const locked = await ctx.lockout.fail(base.userId);
  ctx.emit({ type: 'second_factor.failed', ...base, reason });
  if (locked) ctx.emit({ type: 'second_factor.locked_out', userId: base.userId, ip: base.ip });
}

/** The request may already be closed by a parallel answer; the PIN verdict stands regardless. */
function ignoreUnavailable(error: unknown): void {
  if (!(error instanceof ChallengeUnavailableError || error instanceof DeviceDisabledError)) throw error;
}

async function reportFraud(ctx: MfaContext, report: FraudReport): Promise<void> {
  try {
    await ctx.options.onFraudReport(report);
  } catch (error) {
    console.error('passport-mfa: onFraudReport hook failed', error);
  }
  // Issue 4's app passwords: revoke them too when this build has them. The report is already
  // recorded and notifications blocked, so a failure here is logged, not sent to the device.
  try {
    await ctx.admin?.revokeAppPasswords?.(report.userId);
  } catch (error) {
    console.error('passport-mfa: revoking app passwords after a fraud report failed', error);
  }
}
