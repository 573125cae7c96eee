import type { MfaContext } from './context.js';
import { InvalidInputError, MfaError, PendingExpiredError, VerificationFailedError } from './errors.js';
import { normalizeOtpCode } from './methods/otp-code.js';
import type { FactorRecord } from './stores/store.js';

export interface SecondFactorAttempt {
  userId: string;
  /** The submitted code, exactly as received (any type). */
  code: unknown;
  /** When set, the attempt confirms this unconfirmed factor (enrollment) instead of signing in. */
  enrollFactorId?: string | undefined;
  ip?: string | undefined;
}

export type SecondFactorOutcome =
  | { ok: true; factorId: string; method: string; enrolled: boolean }
  | { ok: false; error: MfaError };

/**
 * Checks one second-factor attempt under the lockout policy. Every rejected attempt, malformed
 * or wrong, is counted as a failure in the store; a locked user is refused even with a correct
 * code. Store failures are thrown (StoreUnavailableError), never turned into a pass.
 */
export async function attemptSecondFactor(ctx: MfaContext, attempt: SecondFactorAttempt): Promise<SecondFactorOutcome> {
  const { userId, ip } = attempt;
  const locked = await lockError(ctx, userId);
  if (locked) return reject(ctx, attempt, locked, 'locked_out');

  const candidates = await candidateFactors(ctx, attempt);
  if (candidates instanceof MfaError) return reject(ctx, attempt, candidates, candidates.code);

  let code: string;
  try {
    code = normalizeOtpCode(attempt.code, ctx.totp.digits);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return countFailure(ctx, attempt, error, error.code);
  }

  const result = await ctx.totp.verify(candidates, code);
  if (!result.ok) {
    const error =
      result.reason === 'replayed'
        ? new VerificationFailedError('That code was already used. Wait for the next code and enter it.')
        : new VerificationFailedError();
    return countFailure(ctx, attempt, error, result.reason);
  }

  if (attempt.enrollFactorId !== undefined) {
    const confirmed = await ctx.store.confirmFactor(userId, result.factorId, ctx.options.clock());
    if (!confirmed) return reject(ctx, attempt, new PendingExpiredError('This setup was already finished or expired. Start again.'), 'pending_expired');
    ctx.emit({ type: 'factor.enrolled', userId, ip, factorId: result.factorId, method: 'totp' });
  }
  await ctx.lockout.succeed(userId);
  ctx.emit({ type: 'second_factor.succeeded', userId, ip, factorId: result.factorId, method: 'totp' });
  return { ok: true, factorId: result.factorId, method: 'totp', enrolled: attempt.enrollFactorId !== undefined };
}

async function lockError(ctx: MfaContext, userId: string): Promise<MfaError | null> {
  try {
    await ctx.lockout.assertNotLocked(userId);
    return null;
  } catch (error) {
    if (error instanceof MfaError && error.code === 'locked_out') return error;
    throw error;
  }
}

async function candidateFactors(ctx: MfaContext, attempt: SecondFactorAttempt): Promise<FactorRecord[] | MfaError> {
  if (attempt.enrollFactorId === undefined) {
    const confirmed = (await ctx.store.listFactors(attempt.userId)).filter((f) => f.confirmedAt !== null);
    return confirmed.length > 0 ? confirmed : new PendingExpiredError('No second factor is set up for this account.');
  }
  const factor = await ctx.store.getFactor(attempt.enrollFactorId);
  if (!factor || factor.userId !== attempt.userId || factor.confirmedAt !== null) {
    return new PendingExpiredError('This setup expired. Start again.');
  }
  return [factor];
}

async function countFailure(ctx: MfaContext, attempt: SecondFactorAttempt, error: MfaError, reason: string): Promise<SecondFactorOutcome> {
  const nowLocked = await ctx.lockout.fail(attempt.userId);
  if (nowLocked) ctx.emit({ type: 'second_factor.locked_out', userId: attempt.userId, ip: attempt.ip });
  return reject(ctx, attempt, nowLocked ?? error, reason);
}

function reject(ctx: MfaContext, attempt: SecondFactorAttempt, error: MfaError, reason: string): SecondFactorOutcome {
  ctx.emit({ type: 'second_factor.failed', userId: attempt.userId, ip: attempt.ip, reason });
  return { ok: false, error };
}
