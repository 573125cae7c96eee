import type { NextFunction, Request, Response } from 'express';

export interface SessionLifetime {
  /** A session unused for this long ends (also the cookie's rolling maxAge). @default 1800000 (30 minutes) */
  idleMs: number;
  /** A session ends this long after sign-in, however active. @default 43200000 (12 hours) */
  absoluteMs: number;
}

export const SESSION_LIFETIME: SessionLifetime = { idleMs: 30 * 60_000, absoluteMs: 12 * 60 * 60_000 };

/** Idle use is recorded at most this often, so an active session is not rewritten on every request. */
const TOUCH_EVERY_MS = 60_000;

declare module 'express-session' {
  interface SessionData {
    /** When the password was accepted (ms since the epoch), until passport-mfa's step replaces the session. */
    startedAt?: number;
    /** When the signed-in session was last used, to within TOUCH_EVERY_MS. */
    lastSeenAt?: number;
  }
}

/** Stamps a session the moment it signs in (in the same response, so there is no unstamped gap). */
export function markSignedIn(req: Request, clock: () => number): void {
  req.session.startedAt = clock();
}

/**
 * Ends signed-in sessions on the server after `idleMs` without use or `absoluteMs` after sign-in,
 * so a stolen session cookie stops working even if the browser never drops it. Checked on the
 * app's clock (injectable), after passport's session middleware.
 */
export function endStaleSessions(lifetime: SessionLifetime, clock: () => number) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!req.user) return next();
    const now = clock();
    const s = req.session;
    // Completing the second step gives the session a new id and drops what it held; from then on
    // the time passport-mfa recorded for it is when this session signed in.
    const startedAt = s.mfa?.completed?.at ?? s.startedAt ?? now;
    const lastSeenAt = Math.max(s.lastSeenAt ?? startedAt, startedAt);
    if (now - startedAt >= lifetime.absoluteMs || now - lastSeenAt >= lifetime.idleMs) {
      // A new, empty session: the old id and everything it held are gone from the store.
      s.regenerate((err) => {
        if (!err) req.user = undefined;
        next(err);
      });
      return;
    }
    s.startedAt ??= startedAt;
    if (s.lastSeenAt === undefined || now - lastSeenAt >= TOUCH_EVERY_MS) s.lastSeenAt = now;
    next();
  };
}
