import type { Request, Response } from 'express';
import { NotSignedInError, PendingExpiredError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import { completedFor, pendingFor, saveSession, sessionState } from '../second-step/session-state.js';
import type { PendingSecondFactor } from '../second-step/session-state.js';
import { safeReturnTo } from './safe-return-to.js';
import { wantsJson } from './wants-json.js';

type FlowOptions = Pick<ResolvedOptions, 'getUserId' | 'clock' | 'pendingTtlMs' | 'defaultReturnTo' | 'reverifyAfterMs' | 'basePath'>;

/** The signed-in (first factor) user's id, or throws NotSignedInError. */
export function requireUserId(options: Pick<ResolvedOptions, 'getUserId'>, req: Request): string {
  if (!req.user) throw new NotSignedInError();
  return options.getUserId(req.user);
}

/**
 * The live pending sign-in of this user. A pending state that exists but has expired ends the
 * first-factor sign-in too (PendingExpiredError after logging out): the password step is only
 * good for `pendingTtlMs`. With no pending state at all, one is started.
 */
export async function livePending(options: FlowOptions, req: Request, userId: string, returnTo?: string): Promise<PendingSecondFactor> {
  const now = options.clock();
  const state = sessionState(req);
  const pending = pendingFor(req, userId, now, options.pendingTtlMs);
  if (pending) {
    if (returnTo !== undefined) pending.returnTo = returnTo;
    return pending;
  }
  if (state.pending && state.pending.userId === userId && !completedFor(req, userId)) {
    await new Promise<void>((resolve, reject) => req.logout((err?: unknown) => (err ? reject(err) : resolve())));
    throw new PendingExpiredError('This sign-in took too long. Sign in again.');
  }
  state.pending = { userId, startedAt: now, returnTo: returnTo ?? options.defaultReturnTo };
  return state.pending;
}

/** Whether the completed second factor is recent enough for changing security info. */
export function isFresh(options: FlowOptions, req: Request, userId: string): boolean {
  const completed = completedFor(req, userId);
  return completed !== null && options.clock() - completed.at < options.reverifyAfterMs;
}

/** Sends the user to one of the router's pages, e.g. '/verify' (under basePath). */
export function goToPage(options: Pick<ResolvedOptions, 'basePath'>, req: Request, res: Response, page: string, status = 200, code = 'redirect'): Promise<void> {
  return goTo(req, res, options.basePath + page, status, code);
}

/** Redirects (303, so a POST becomes a GET) to a same-origin location, or answers JSON to scripts. */
export async function goTo(req: Request, res: Response, location: string, status = 200, code = 'redirect'): Promise<void> {
  await saveSession(req);
  redirect(req, res, location, status, code);
}

/**
 * goTo() without saving first: for a session that completeSecondFactor just regenerated, which
 * express-session writes (once) before the response ends.
 */
export function redirect(req: Request, res: Response, location: string, status = 200, code = 'redirect'): void {
  if (wantsJson(req)) {
    res.status(status).json({ error: code, location });
    return;
  }
  // No body: res.redirect() would negotiate the Accept header again for a page no browser shows.
  res.location(location).status(303).end();
}

/** Where a GET request wanted to go, if it is a safe same-origin path. */
export function requestedPath(options: Pick<ResolvedOptions, 'defaultReturnTo'>, req: Request): string {
  return req.method === 'GET' || req.method === 'HEAD'
    ? safeReturnTo(req.originalUrl, options.defaultReturnTo)
    : options.defaultReturnTo;
}

/**
 * A session that completed the second step and is not re-verifying goes on to its returnTo:
 * answers and returns true. Otherwise returns false.
 */
export async function alreadyDone(options: FlowOptions, req: Request, res: Response, userId: string): Promise<boolean> {
  if (!completedFor(req, userId)) return false;
  const pending = pendingFor(req, userId, options.clock(), options.pendingTtlMs);
  if (pending?.reverify) return false;
  await goTo(req, res, safeReturnTo(sessionState(req).returnTo, options.defaultReturnTo));
  return true;
}
