import type { Request, Response } from 'express';
import type { MfaContext } from '../context.js';
import { NotSignedInError, PendingExpiredError } from '../errors.js';
import { safeReturnTo } from './safe-return-to.js';
import { completedFor, pendingFor, saveSession, sessionState } from './session-state.js';
import type { PendingSecondFactor } from './session-state.js';
import { wantsJson } from './wants-json.js';

/** The signed-in (first factor) user's id, or throws NotSignedInError. */
export function requireUserId(ctx: MfaContext, req: Request): string {
  if (!req.user) throw new NotSignedInError();
  return ctx.options.getUserId(req.user);
}

export async function isEnrolled(ctx: MfaContext, userId: string): Promise<boolean> {
  return (await ctx.store.core.listFactors(userId)).some((f) => f.confirmedAt !== null);
}

/**
 * The live pending sign-in of this user. A pending state that exists but has expired ends the
 * first-factor sign-in too (PendingExpiredError after logging out): the password step is only
 * good for `pendingTtlMs`. With no pending state at all, one is started.
 */
export async function livePending(ctx: MfaContext, req: Request, userId: string, returnTo?: string): Promise<PendingSecondFactor> {
  const now = ctx.options.clock();
  const state = sessionState(req);
  const pending = pendingFor(req, userId, now, ctx.options.pendingTtlMs);
  if (pending) {
    if (returnTo !== undefined) pending.returnTo = returnTo;
    return pending;
  }
  if (state.pending && state.pending.userId === userId && !completedFor(req, userId)) {
    await new Promise<void>((resolve, reject) => req.logout((err?: unknown) => (err ? reject(err) : resolve())));
    throw new PendingExpiredError('This sign-in took too long. Sign in again.');
  }
  state.pending = { userId, startedAt: now, returnTo: returnTo ?? ctx.options.defaultReturnTo };
  return state.pending;
}

/** Whether the completed second factor is recent enough for changing security info. */
export function isFresh(ctx: MfaContext, req: Request, userId: string): boolean {
  const completed = completedFor(req, userId);
  return completed !== null && ctx.options.clock() - completed.at < ctx.options.reverifyAfterMs;
}

/** Sends the user to one of the router's pages, e.g. '/verify' (under basePath). */
export function goToPage(ctx: MfaContext, req: Request, res: Response, page: string, status = 200, code = 'redirect'): Promise<void> {
  return goTo(req, res, ctx.options.basePath + page, status, code);
}

/** Redirects (303, so a POST becomes a GET) to a same-origin location, or answers JSON to scripts. */
export async function goTo(req: Request, res: Response, location: string, status = 200, code = 'redirect'): Promise<void> {
  await saveSession(req);
  if (wantsJson(req)) {
    res.status(status).json({ error: code, location });
    return;
  }
  res.redirect(303, location);
}

/** Where a GET request wanted to go, if it is a safe same-origin path. */
export function requestedPath(ctx: MfaContext, req: Request): string {
  return req.method === 'GET' || req.method === 'HEAD'
    ? safeReturnTo(req.originalUrl, ctx.options.defaultReturnTo)
    : ctx.options.defaultReturnTo;
}
