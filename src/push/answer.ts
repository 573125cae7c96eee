import type { Emit } from '../events.js';
import type { AttemptRunner } from '../methods/attempt.js';
import type { PushMethod } from '../methods/push/push-method.js';
import type { CompleteStore } from '../stores/guarded-store.js';
import { safeEqual } from '../crypto/safe-equal.js';
import { ChallengeUnavailableError, DeviceDisabledError, NumberMismatchError, PinIncorrectError } from '../errors.js';
import type { PushDeviceRecord } from '../stores/push-records.js';
import { addressedTo } from './challenge.js';
import type { FraudReport } from './fraud-report.js';
import { readAnswer } from './read-answer.js';

export type AnswerStatus = 'approved' | 'denied' | 'reported';
/** What answering a challenge uses. */
export interface AnswerDeps {
  store: CompleteStore;
  push: PushMethod;
  /** Counts a wrong number or PIN toward the shared lockout, like a wrong code. */
  attempts: AttemptRunner;
  clock: () => number;
  emit: Emit;
  /** The host's hook for "This wasn't me" (errors are logged). */
  onFraudReport: (report: FraudReport) => void | Promise<void>;
  /** Revokes the user's app passwords after a fraud report. */
  revokeAppPasswords: (userId: string, reason: string) => Promise<number>;
  /** Ends the user's signed-in sessions after a fraud report. */
  revokeSessions: (userId: string, reason: string) => Promise<void>;
}

/**
 * Handles a device's signed answer (docs/push-protocol.md §4.2) for an already authenticated
 * device request. Exactly one answer per challenge wins (atomic resolve in the store).
 */
export async function answerChallenge(deps: AnswerDeps, device: PushDeviceRecord, challengeId: string, body: unknown, ip: string | undefined): Promise<AnswerStatus> {
  const { store, push, emit } = deps;
  const now = deps.clock();
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
    emit({ type: 'push.challenge_answered', ...base, decision: 'deny' });
    return 'denied';
  }
  if (answer.decision === 'fraud') {
    await push.resolve(challengeId, 'fraud', device.id, evidence);
    const blockedUntil = await push.budget.block(userId);
    emit({ type: 'push.fraud_reported', ...base, decision: 'fraud' });
    await reportFraud(deps, { userId, challengeId, deviceId: device.id, at: now, context: challenge.context, blockedUntil });
    return 'reported';
  }

  const pin = await push.pins.check(device, answer.pin ?? undefined);
  if (!pin.ok) {
    // A wrong PIN fails the request at once, as a wrong number does: one guess per notification.
    await push.resolve(challengeId, 'failed', device.id, evidence).catch(ignoreUnavailable);
    if (pin.judged) await deps.attempts.fail({ ...base, reason: 'pin_incorrect' }, new PinIncorrectError(pin.attemptsLeft));
    if (pin.attemptsLeft === 0) {
      await push.disableDevice(device.id);
      emit({ type: 'push.device_disabled', ...base });
      throw new DeviceDisabledError();
    }
    emit({ type: 'push.pin_failed', ...base });
    throw new PinIncorrectError(pin.attemptsLeft);
  }
  if (!safeEqual(answer.number, challenge.number)) {
    // Number matching: a wrong number is a failed attempt, not a retry.
    await push.resolve(challengeId, 'failed', device.id, evidence);
    await deps.attempts.fail({ ...base, reason: 'number_mismatch' }, new NumberMismatchError());
    throw new NumberMismatchError();
  }
  await push.resolve(challengeId, 'approved', device.id, evidence);
  emit({ type: 'push.challenge_answered', ...base, decision: 'approve' });
  return 'approved';
}

/** The request may already be closed by a parallel answer; the PIN verdict stands regardless. */
function ignoreUnavailable(error: unknown): void {
  if (!(error instanceof ChallengeUnavailableError || error instanceof DeviceDisabledError)) throw error;
}

async function reportFraud(deps: AnswerDeps, report: FraudReport): Promise<void> {
  await logFailure('onFraudReport hook', () => deps.onFraudReport(report));
  // Whoever has the password may be signed in already (a code read over the shoulder, a
  // session taken over) and may have made app passwords. The report is already recorded and
  // notifications blocked, so a failure here is logged, not sent to the device.
  await logFailure('signing the user out everywhere after a fraud report', () => deps.revokeSessions(report.userId, 'fraud_report'));
  await logFailure('revoking app passwords after a fraud report', () => deps.revokeAppPasswords(report.userId, 'fraud_report'));
}

/** Runs one follow-up of a fraud report; its failure is logged and does not stop the next one. */
async function logFailure(what: string, step: () => unknown): Promise<void> {
  try {
    await step();
  } catch (error) {
    console.error(`passport-mfa: ${what} failed`, error);
  }
}
