import type { Request, Response } from 'express';
import type { MfaContext } from '../context.js';
import { mintStreamToken } from '../push/stream-token.js';
import type { PushChallengeRecord } from '../stores/push-records.js';
import { renderPage } from './respond.js';
import { pendingFor, sessionState } from './session-state.js';

/** Where the waiting page's forms go: the setup flow or the sign-in flow. */
export interface PushFlowPaths {
  /** POST here (method=push) to complete once approved: "I approved it". */
  complete: string;
  /** POST here to send another notification. */
  resend: string;
  /** The one-time-password alternative. */
  otp: string;
  otpLabel: string;
}

function flowPaths(ctx: MfaContext, flow: 'setup' | 'verify'): PushFlowPaths {
  const base = ctx.options.basePath;
  return flow === 'setup'
    ? { complete: `${base}/setup/push/wait`, resend: `${base}/setup/push/contact`, otp: `${base}/setup`, otpLabel: 'Use a one-time password instead' }
    : { complete: `${base}/verify/push`, resend: `${base}/verify/push/send`, otp: `${base}/verify`, otpLabel: 'Use a verification code instead' };
}

/** The notification this session is waiting on, if it is the signed-in user's own and the sign-in is live. */
export async function sessionChallenge(ctx: MfaContext, req: Request, userId: string): Promise<PushChallengeRecord | null> {
  const pending = pendingFor(req, userId, ctx.options.clock(), ctx.options.pendingTtlMs);
  if (!pending?.pushChallengeId) return null;
  const challenge = await ctx.store.push.getChallenge(pending.pushChallengeId);
  return challenge && challenge.userId === userId ? challenge : null;
}

export function rememberChallenge(req: Request, challenge: PushChallengeRecord): void {
  sessionState(req).pending!.pushChallengeId = challenge.id;
}

/**
 * "Approve sign in request": the number to type in the app while waiting, or (with `outcome`)
 * why the notification did not go through, with a way to send another or use a code.
 */
export async function renderPushWait(
  ctx: MfaContext,
  req: Request,
  res: Response,
  flow: 'setup' | 'verify',
  p: { challenge: PushChallengeRecord | null; error?: string | null; outcome?: string | null; status?: number },
): Promise<void> {
  const waiting = p.challenge !== null && !p.outcome && p.challenge.status === 'pending' && ctx.options.clock() < p.challenge.expiresAt;
  await renderPage(ctx, req, res, 'push-wait', {
    title: 'Approve sign in request',
    error: p.error ?? null,
    outcome: p.outcome ?? null,
    number: waiting ? p.challenge!.number : null,
    eventsPath: `${ctx.options.basePath}/verify/push/events`,
    // The session-free capability stream served by mfa.streams (the script falls back to eventsPath).
    streamPath: waiting ? `${ctx.options.basePath}/push-events/${mintStreamToken(ctx.streamTokenKey, p.challenge!.id, p.challenge!.expiresAt)}` : null,
    paths: flowPaths(ctx, flow),
  }, p.status ?? 200);
}
