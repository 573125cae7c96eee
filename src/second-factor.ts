import type { MfaContext } from './context.js';
import { InvalidInputError, MfaError, PendingExpiredError, VerificationFailedError } from './errors.js';
import { normalizeOtpCode } from './methods/otp-code.js';
import type { FactorRecord } from './stores/facets/core.js';

export interface SecondFactorAttempt {
  userId: string;
  /** The submitted code, exactly as received (any type). */
  code: unknown;
  /** When set, the attempt confirms this unconfirmed factor (enrollment) instead of signing in. */
  enrollFactorId?: string | undefined;
  /** Which kind of code was submitted: from the mobile app (default) or sent to the phone. */
  method?: 'totp' | 'phone' | undefined;
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

  const byPhone = attempt.method === 'phone';
  if (byPhone && (!ctx.phone || attempt.enrollFactorId !== undefined)) {
    return countFailure(ctx, attempt, new InvalidInputError('Phone codes are not available here.'), 'method_unavailable');
  }
  let code: string;
  try {
    code = normalizeOtpCode(attempt.code, byPhone ? ctx.phone!.digits : ctx.totp.digits);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return countFailure(ctx, attempt, error, error.code);
  }

  const result = byPhone ? await verifyPhoneCode(ctx, userId, candidates, code) : await ctx.totp.verify(candidates, code);
  const method = byPhone ? 'phone' : 'totp';
  if (!result.ok) {
    const error =
      result.reason === 'replayed'
        ? new VerificationFailedError('That code was already used. Wait for the next code and enter it.')
        : byPhone
          ? new VerificationFailedError('That code is not valid or has expired. Check the latest message, or send a new code.')
          : new VerificationFailedError();
    return countFailure(ctx, attempt, error, result.reason);
  }

  if (attempt.enrollFactorId !== undefined) {
    const confirmed = await ctx.store.core.confirmFactor(userId, result.factorId, ctx.options.clock());
    if (!confirmed) return reject(ctx, attempt, new PendingExpiredError('This setup was already finished or expired. Start again.'), 'pending_expired');
    ctx.emit({ type: 'factor.enrolled', userId, ip, factorId: result.factorId, method });
  }
  await ctx.lockout.succeed(userId);
  ctx.emit({ type: 'second_factor.succeeded', userId, ip, factorId: result.factorId, method });
  return { ok: true, factorId: result.factorId, method, enrolled: attempt.enrollFactorId !== undefined };
}

/** Checks a sign-in code sent to the user's verified phone; the store consumes it at most once. */
async function verifyPhoneCode(ctx: MfaContext, userId: string, factors: FactorRecord[], code: string): Promise<{ ok: true; factorId: string } | { ok: false; reason: string }> {
  const phone = factors.find((f) => f.type === 'phone' && typeof f.data.e164 === 'string');
  if (!phone) return { ok: false, reason: 'no_factor' };
  if (!(await ctx.phone!.check(userId, 'signin', phone.data.e164 as string, code))) return { ok: false, reason: 'invalid_code' };
  // Records lastUsedAt; the "step" is the time in ms, which only grows, so it never refuses a use.
  await ctx.store.core.consumeTimeStep(phone.id, ctx.options.clock(), ctx.options.clock());
  return { ok: true, factorId: phone.id };
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
    const confirmed = (await ctx.store.core.listFactors(attempt.userId)).filter((f) => f.confirmedAt !== null);
    return confirmed.length > 0 ? confirmed : new PendingExpiredError('No second factor is set up for this account.');
  }
  const factor = await ctx.store.core.getFactor(attempt.enrollFactorId);
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
