import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { SessionRevokedError } from '../errors.js';
import type { Emit } from '../events.js';
import type { ResolvedOptions } from '../options.js';
import { statusOf } from '../policy/assurance.js';
import type { MfaStatus } from '../policy/assurance.js';
import type { SessionGenerations } from '../policy/session-generation.js';
import { completedFor, saveSession } from '../second-step/session-state.js';
import type { CompletedFactor } from '../second-step/session-state.js';
import type { Pages } from './pages.js';
import { sendError } from './respond.js';

type CheckDeps = Pick<Pages, 'sessions' | 'emit'> & { options: Pick<ResolvedOptions, 'getUserId'> };

/**
 * The completed step of this request's session if it is still good. A session that was revoked
 * (its generation moved on) or lost the factor it signed in with is ended here, logged out with
 * a new session id, and SessionRevokedError is thrown (sign-in page, or 401 for scripts).
 * Null when the session has not completed the step. Store failures propagate (503).
 */
export async function currentCompleted(deps: CheckDeps, req: Request): Promise<CompletedFactor | null> {
  if (!req.user) return null;
  const userId = deps.options.getUserId(req.user);
  const completed = completedFor(req, userId);
  if (!completed) return null;
  if (deps.sessions.held(userId, completed) ?? (await deps.sessions.isCurrent(userId, completed))) return completed;
  await endSession(deps.emit, req, userId);
  throw new SessionRevokedError();
}

/** Router middleware: no MFA page serves a revoked session (Security info, new app passwords, setup). */
export function endRevokedSessions(pages: Pages): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    currentCompleted(pages, req).then(() => next(), (error: unknown) => sendError(pages, req, res, error));
  };
}

/** What mfa.status(req) answers: null unless the session completed the step and is still current. */
export async function sessionStatus(sessions: SessionGenerations, options: Pick<ResolvedOptions, 'getUserId'>, req: Request): Promise<MfaStatus | null> {
  if (!req.user) return null;
  const userId = options.getUserId(req.user);
  const completed = completedFor(req, userId);
  if (!completed || !(await sessions.isCurrent(userId, completed))) return null;
  return statusOf(completed);
}

/**
 * After a revocation this session asked for ("Sign out everywhere", a password change): records
 * the new generation so that this one session stays signed in.
 */
export async function keepSignedIn(sessions: SessionGenerations, req: Request, userId: string): Promise<void> {
  const completed = completedFor(req, userId);
  if (!completed) return;
  completed.generation = (await sessions.stamp(userId, completed.factorId)).generation;
  await saveSession(req);
}

async function endSession(emit: Emit, req: Request, userId: string): Promise<void> {
  // Passport's logout also regenerates the session: nothing of the old one (id, CSRF token) survives.
  await new Promise<void>((resolve, reject) => req.logout((err?: unknown) => (err ? reject(err) : resolve())));
  emit({ type: 'session.ended', userId, ip: req.ip, reason: 'revoked' });
}
