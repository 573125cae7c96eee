import type { Request } from 'express';
import type { Strategy } from 'passport';
import { ConfigurationError, NotSignedInError, PendingExpiredError } from '../errors.js';
import type { MfaError } from '../errors.js';
import { formBody } from '../second-step/form-body.js';
import { pendingFor } from '../second-step/session-state.js';
import { verifySecondStep } from '../second-step/verify-second-step.js';
import type { SecondStepDeps } from '../second-step/verify-second-step.js';
import type { ResolvedOptions } from '../options.js';

/** What the strategy passes to fail(): enough for the host to answer with the right page. */
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
  /** Where the sign-in was going (a same-origin path remembered when it started). */
  returnTo: string;
}

/** passport.authenticate('mfa', { session: false, mode }) options. */
export interface MfaStrategyOptions {
  /** 'enroll' confirms the factor being set up; 'verify' checks the user's confirmed factors. @default 'verify' */
  mode?: 'enroll' | 'verify';
  /** Must be false: the strategy starts the new session itself (see createMfaStrategy). */
  session?: boolean;
}

export interface MfaStrategyDeps extends SecondStepDeps {
  options: Pick<ResolvedOptions, 'getUserId' | 'clock' | 'pendingTtlMs' | 'strategyName'>;
}

/**
 * The second-step Passport strategy, for hosts that verify in routes of their own
 * (`passport.authenticate('mfa', { session: false })`); the package's pages verify without it.
 * It needs a first-factor user on the request (req.user) and a live pending sign-in in the
 * session, and checks the method the form names in `method` (the default method, one-time
 * passwords, when it names none): a `code`, or for 'push' the approved notification this session
 * sent. It calls exactly one of success (the same user, after regenerating the session id and
 * recording the completed factor), fail (wrong, malformed, locked, expired) or error (store
 * down, or `session` not false: Passport would then start another session without the record).
 */
export function createMfaStrategy(deps: MfaStrategyDeps): Strategy {
  return {
    name: deps.options.strategyName,
    authenticate(req, options?: MfaStrategyOptions) {
      verify(deps, req, options ?? {}).then(
        (result) => (result.ok ? this.success(req.user!, result.info) : this.fail(failureInfo(result.error), result.error.status)),
        (error: unknown) => this.error(error),
      );
    },
  };
}

type VerifyResult = { ok: true; info: MfaSuccessInfo } | { ok: false; error: MfaError };

async function verify(deps: MfaStrategyDeps, req: Request, options: MfaStrategyOptions): Promise<VerifyResult> {
  if (options.session !== false) {
    throw new ConfigurationError(`passport-mfa: call passport.authenticate('${deps.options.strategyName}', { session: false }): the strategy starts the signed-in session itself`);
  }
  const { registry } = deps;
  if (!req.user) return { ok: false, error: new NotSignedInError() };
  const enroll = options.mode === 'enroll';
  const userId = deps.options.getUserId(req.user);
  const pending = pendingFor(req, userId, deps.options.clock(), deps.options.pendingTtlMs);
  if (!pending || (enroll && pending.enrollFactorId === undefined)) return { ok: false, error: new PendingExpiredError() };
  const named = formBody(req).method;
  const method = named === undefined ? registry.strategyDefault : registry.get(named);
  if (!method) return registry.refuseUnknown({ userId, ip: req.ip, method: named });
  // On success the session was regenerated; express-session writes it, completed factor
  // included, once, before the host's response ends.
  const result = await verifySecondStep(deps, req, req.user, pending, method, enroll);
  if (!result.ok) return result;
  const { factorId, enrolled, returnTo } = result;
  return { ok: true, info: { factorId, method: result.method, enrolled, returnTo } };
}

function failureInfo(error: MfaError): MfaFailureInfo {
  const info: MfaFailureInfo = { status: error.status, code: error.code, message: error.message };
  if ('retryAfterSeconds' in error) info.retryAfterSeconds = error.retryAfterSeconds as number | null;
  return info;
}
