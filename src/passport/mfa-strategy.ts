import type { Request } from 'express';
import type { Strategy } from 'passport';
import type { MfaContext } from '../context.js';
import { NotSignedInError, PendingExpiredError } from '../errors.js';
import type { MfaError } from '../errors.js';
import { formBody } from '../http/form-body.js';
import { attemptPushSecondFactor } from '../push/push-attempt.js';
import { attemptSecondFactor } from '../second-factor.js';
import { pendingFor } from '../http/session-state.js';

/** What the strategy passes to fail(): enough for the router to answer with the right page. */
export interface MfaFailureInfo {
  status: number;
  code: string;
  message: string;
  retryAfterSeconds?: number | null;
}

/** What the strategy passes to success() next to the user. */
export interface MfaSuccessInfo {
  factorId: string;
  method: string;
  enrolled: boolean;
}

/** passport.authenticate('mfa', { mode }) options. */
export interface MfaStrategyOptions {
  /** 'enroll' confirms the factor being set up; 'verify' checks the user's confirmed factors. @default 'verify' */
  mode?: 'enroll' | 'verify';
}

/**
 * The second-step Passport strategy. It needs a first-factor user on the request (req.user) and
 * a live pending sign-in in the session; it verifies the submitted `code` (from the mobile app,
 * or sent to the phone when `method` is 'phone'; or, with `method: 'push'`, the approved
 * notification this session sent) and calls exactly one
 * of success (the same user), fail (wrong, malformed, locked, expired) or error (store down).
 */
export function createMfaStrategy(ctx: MfaContext): Strategy {
  return {
    name: 'mfa',
    authenticate(req, options?: MfaStrategyOptions) {
      verify(ctx, req, options?.mode === 'enroll').then(
        (result) => (result.ok ? this.success(req.user!, result.info) : this.fail(failureInfo(result.error))),
        (error: unknown) => this.error(error),
      );
    },
  };
}

type VerifyResult = { ok: true; info: MfaSuccessInfo } | { ok: false; error: MfaError };

async function verify(ctx: MfaContext, req: Request, enroll: boolean): Promise<VerifyResult> {
  const { options } = ctx;
  if (!req.user) return { ok: false, error: new NotSignedInError() };
  const userId = options.getUserId(req.user);
  const pending = pendingFor(req, userId, options.clock(), options.pendingTtlMs);
  if (!pending || (enroll && pending.enrollFactorId === undefined)) return { ok: false, error: new PendingExpiredError() };
  const body = formBody(req);
  const enrollFactorId = enroll ? pending.enrollFactorId : undefined;
  // body.method 'push': complete with the notification this session sent, once a device approved it.
  const outcome =
    body.method === 'push'
      ? await attemptPushSecondFactor(ctx, { userId, challengeId: pending.pushChallengeId, enrollFactorId, ip: req.ip })
      : await attemptSecondFactor(ctx, { userId, code: body.code, enrollFactorId, method: body.method === 'phone' ? 'phone' : 'totp', ip: req.ip });
  if (!outcome.ok) return outcome;
  return { ok: true, info: { factorId: outcome.factorId, method: outcome.method, enrolled: outcome.enrolled } };
}

function failureInfo(error: MfaError): MfaFailureInfo {
  const info: MfaFailureInfo = { status: error.status, code: error.code, message: error.message };
  if ('retryAfterSeconds' in error) info.retryAfterSeconds = error.retryAfterSeconds as number | null;
  return info;
}
