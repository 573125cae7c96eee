import type { Request } from 'express';
import { ConfigurationError } from '../errors.js';
import type { Assurance } from '../policy/assurance.js';
import type { SessionStamp } from '../policy/session-generation.js';

/**
 * A completed second factor, bound to the user it was completed for, with what is checked on
 * every later request (the generation and the factor: see policy/session-generation.ts) and what
 * mfa.status() reports (the method's assurance).
 */
export interface CompletedFactor extends SessionStamp, Assurance {
  userId: string;
  /** The factor that completed the step; null once this very session deleted it (the session stays). */
  factorId: string | null;
  method: string;
  at: number;
}

/** A half-finished sign-in or enrollment. Holds ids only: never a secret or a password. */
export interface PendingSecondFactor {
  userId: string;
  startedAt: number;
  returnTo: string;
  /** The unconfirmed factor being set up, if an enrollment is under way. */
  enrollFactorId?: string;
  /** The enrollment was started from Add method on Security info (not the first-run wizard): Cancel and success lead back there. */
  adding?: boolean;
  /** A signed-in user verifying again (before changing security info, or for a step-up). */
  reverify?: boolean;
  /** A step-up that only a phishing-resistant method can complete (requireSecondFactor({ phishingResistant: true })). */
  phishingResistant?: boolean;
  /** Each method's state in this sign-in, by method id (e.g. the notification it waits on). */
  methods?: Record<string, unknown>;
}

export interface MfaSessionState {
  csrf?: string;
  completed?: CompletedFactor;
  pending?: PendingSecondFactor;
  /** Where "Done" leads after a completed setup. */
  returnTo?: string;
  /** What the next page confirms once, after a change: Security info ("Renamed to …") or the wizard's next step ("Mobile app verified."). */
  notice?: string;
  /** Each method's own session data, by method id, bound to the user it was made for. */
  methods?: Record<string, { userId: string; value: unknown }>;
}

declare module 'express-session' {
  interface SessionData {
    mfa?: MfaSessionState;
  }
}

export function sessionState(req: Request): MfaSessionState {
  if (!req.session) {
    throw new ConfigurationError('passport-mfa needs express-session (and passport.session()) mounted before it.');
  }
  req.session.mfa ??= {};
  return req.session.mfa;
}

/** What the page after a change confirms (`notice`), once: taken, it is gone from the session. */
export function takeNotice(req: Request): string | null {
  const state = sessionState(req);
  const notice = state.notice ?? null;
  delete state.notice;
  return notice;
}

/** The completed factor of this session if it belongs to `userId`. */
export function completedFor(req: Request, userId: string): CompletedFactor | null {
  const completed = req.session?.mfa?.completed;
  return completed && completed.userId === userId ? completed : null;
}

/**
 * This session deleted `factorId`: had it completed its step with that factor, it stays signed in
 * (the user is right here and passed a fresh step to delete it), while every other session that
 * did is ended by the factor check.
 */
export function survivesRemovalOf(req: Request, factorId: string): void {
  const completed = req.session?.mfa?.completed;
  if (completed && completed.factorId === factorId) completed.factorId = null;
}

/** The pending state if it belongs to `userId` and has not expired; otherwise null. */
export function pendingFor(req: Request, userId: string, now: number, ttlMs: number): PendingSecondFactor | null {
  const pending = req.session?.mfa?.pending;
  if (!pending || pending.userId !== userId || now - pending.startedAt >= ttlMs || now < pending.startedAt) return null;
  return pending;
}

export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}
