import type { Request, Response } from 'express';
import { isEnrolled } from '../second-step/is-enrolled.js';
import { completedFor, sessionState } from '../second-step/session-state.js';
import { isFresh, livePending, requireUserId, goToPage } from './flow.js';
import type { Pages } from './pages.js';

/**
 * For pages that change security info: the user must have completed the second step on this
 * session, recently. Otherwise the visitor is sent to verify (again) and null is returned.
 * `enrolled`, when the caller has read it already, saves reading the user's factors again.
 */
export async function requireFreshSecondFactor(pages: Pages, req: Request, res: Response, returnTo: string, enrolled?: boolean): Promise<string | null> {
  const { options } = pages;
  const userId = requireUserId(options, req);
  if (isFresh(options, req, userId)) return userId;
  if (!completedFor(req, userId)) {
    await livePending(options, req, userId, returnTo);
    await goToPage(options, req, res, (enrolled ?? (await isEnrolled(pages.store, userId))) ? '/verify' : '/setup', 401, 'mfa_required');
    return null;
  }
  sessionState(req).pending = { userId, startedAt: options.clock(), returnTo, reverify: true };
  await goToPage(options, req, res, '/verify', 401, 'reverify_required');
  return null;
}

/**
 * For setup pages: a user who is not enrolled yet may set up a first method during sign-in;
 * an enrolled user must pass the second step (recently) before adding another, or anyone who
 * knows the password could add their own authenticator. Says whether the user is enrolled (and
 * so adding a method, not in the first-run wizard).
 */
export async function requireSetupAccess(pages: Pages, req: Request, res: Response): Promise<{ userId: string; enrolled: boolean } | null> {
  const { options } = pages;
  const userId = requireUserId(options, req);
  const enrolled = await isEnrolled(pages.store, userId);
  if (!completedFor(req, userId) && !enrolled) {
    await livePending(options, req, userId);
    return { userId, enrolled };
  }
  const fresh = await requireFreshSecondFactor(pages, req, res, `${options.basePath}/setup`, enrolled);
  return fresh === null ? null : { userId, enrolled };
}
