import type { Request } from 'express';
import { PhishingResistantRequiredError } from '../errors.js';
import type { MfaError } from '../errors.js';
import type { SessionGenerations } from '../policy/session-generation.js';
import type { ResolvedOptions } from '../options.js';
import type { MethodRegistry, RegisteredMethod } from '../methods/registry.js';
import { completeSecondFactor } from './complete-second-factor.js';
import { formBody } from './form-body.js';
import type { CompletedFactor, PendingSecondFactor } from './session-state.js';

export interface SecondStepDeps {
  registry: MethodRegistry;
  options: Pick<ResolvedOptions, 'getUserId' | 'clock'>;
  /** Stamps the completed step with the user's session generation. */
  sessions: Pick<SessionGenerations, 'stamp' | 'watch'>;
}

export type SecondStepResult =
  | { ok: true; factorId: string; method: string; enrolled: boolean; returnTo: string }
  | { ok: false; error: MfaError };

/**
 * One proof of `method` for the user of this request, with the pending sign-in already read
 * (once) by the caller: the attempt runner checks it (confirming the factor being set up when
 * `enroll`), and on success the second step completes (new session id, completed factor
 * recorded). Shared by the pages and the 'mfa' strategy; store failures reject (→ 503).
 */
export async function verifySecondStep(
  deps: SecondStepDeps,
  req: Request,
  user: Express.User,
  pending: PendingSecondFactor,
  method: RegisteredMethod,
  enroll: boolean,
): Promise<SecondStepResult> {
  const userId = deps.options.getUserId(user);
  // A step-up for a phishing-resistant page: another method would only lead back here.
  if (pending.phishingResistant && !deps.registry.isPhishingResistant(method)) {
    return { ok: false, error: new PhishingResistantRequiredError() };
  }
  // Before the check reads the user's factors: the stamp below reuses them unless one changed since.
  const since = deps.sessions.watch(userId);
  const outcome = await deps.registry.attempt(method, {
    userId,
    ip: req.ip,
    body: formBody(req),
    state: pending.methods?.[method.id],
    enrollFactorId: enroll ? pending.enrollFactorId : undefined,
  });
  if (!outcome.ok) return outcome;
  const completed: CompletedFactor = {
    userId,
    method: outcome.method,
    at: deps.options.clock(),
    ...(await deps.sessions.stamp(userId, outcome.factorId, outcome.confirmed && { factors: outcome.confirmed, since })),
    ...deps.registry.assuranceOf(method, outcome.amr),
  };
  await completeSecondFactor(req, user, completed, pending.returnTo);
  return { ok: true, factorId: outcome.factorId, method: outcome.method, enrolled: outcome.enrolled, returnTo: pending.returnTo };
}
