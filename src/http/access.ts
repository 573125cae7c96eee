import type { Request, Response } from 'express';
import type { MfaContext } from '../context.js';
import { isEnrolled, isFresh, livePending, requireUserId, goToPage } from './flow.js';
import { completedFor, sessionState } from './session-state.js';

/**
 * For pages that change security info: the user must have completed the second step on this
 * session, recently. Otherwise the visitor is sent to verify (again) and null is returned.
 */
export async function requireFreshSecondFactor(ctx: MfaContext, req: Request, res: Response, returnTo: string): Promise<string | null> {
  const userId = requireUserId(ctx, req);
  if (isFresh(ctx, req, userId)) return userId;
  if (!completedFor(req, userId)) {
    await livePending(ctx, req, userId, returnTo);
    await goToPage(ctx, req, res, (await isEnrolled(ctx, userId)) ? '/verify' : '/setup', 401, 'mfa_required');
    return null;
  }
  sessionState(req).pending = { userId, startedAt: ctx.options.clock(), returnTo, reverify: true };
  await goToPage(ctx, req, res, '/verify', 401, 'reverify_required');
  return null;
}

/**
 * For setup pages: a user who is not enrolled yet may set up a first method during sign-in;
 * an enrolled user must pass the second step (recently) before adding another, or anyone who
 * knows the password could add their own authenticator.
 */
export async function requireSetupAccess(ctx: MfaContext, req: Request, res: Response): Promise<string | null> {
  const userId = requireUserId(ctx, req);
  if (!completedFor(req, userId) && !(await isEnrolled(ctx, userId))) {
    await livePending(ctx, req, userId);
    return userId;
  }
  return requireFreshSecondFactor(ctx, req, res, `${ctx.options.basePath}/setup`);
}
