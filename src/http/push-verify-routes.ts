import { Router } from 'express';
import type { Request, Response } from 'express';
import type { MfaContext } from '../context.js';
import { LockedOutError, PendingExpiredError, RateLimitedError } from '../errors.js';
import { runSecondStep } from './authenticate.js';
import { goTo, goToPage, livePending, requireUserId } from './flow.js';
import { handle } from './handle.js';
import { streamPushResult } from './push-events.js';
import { rememberChallenge, renderPushWait, sessionChallenge } from './push-pages.js';
import { context } from './push-setup-routes.js';
import { setRetryAfter } from './respond.js';
import { safeReturnTo } from './safe-return-to.js';
import { pendingFor } from './session-state.js';

/** Sign-in with a notification: "Contact me", wait for the answer, complete through the 'mfa' strategy. */
export function pushVerifyRoutes(ctx: MfaContext, renderVerifyPage: VerifyPageRenderer): Router {
  const router = Router();

  router.post('/verify/push/send', handle(ctx, async (req, res) => {
    const userId = requireUserId(ctx, req);
    await livePending(ctx, req, userId);
    const sent = await sendSignInNotification(ctx, req, res, userId, renderVerifyPage);
    if (sent) await goToPage(ctx, req, res, '/verify/push');
  }));

  router.get('/verify/push', handle(ctx, async (req, res) => {
    const userId = requireUserId(ctx, req);
    await livePending(ctx, req, userId);
    const challenge = await sessionChallenge(ctx, req, userId);
    if (!challenge) return goToPage(ctx, req, res, '/verify');
    await renderPushWait(ctx, req, res, 'verify', { challenge });
  }));

  router.post('/verify/push', handle(ctx, async (req, res) => {
    const userId = requireUserId(ctx, req);
    const result = await runSecondStep(ctx, req, res, 'verify');
    if (result.ok) return goTo(req, res, safeReturnTo(result.returnTo, ctx.options.defaultReturnTo));
    if (result.info.code === 'pending_expired') throw new PendingExpiredError(result.info.message);
    const pendingStill = result.info.code === 'push_pending';
    await renderPushWait(ctx, req, res, 'verify', {
      challenge: await sessionChallenge(ctx, req, userId),
      error: pendingStill || result.info.code === 'locked_out' ? result.info.message : null,
      outcome: pendingStill || result.info.code === 'locked_out' ? null : result.info.message,
      status: result.info.status,
    });
  }));

  router.get('/verify/push/events', handle(ctx, async (req, res) => {
    const userId = requireUserId(ctx, req);
    const pending = pendingFor(req, userId, ctx.options.clock(), ctx.options.pendingTtlMs);
    const challenge = pending ? await sessionChallenge(ctx, req, userId) : null;
    // 204 tells EventSource not to reconnect: there is nothing to wait for.
    if (!challenge) return void res.status(204).end();
    await streamPushResult(ctx, res, challenge.id);
  }));

  return router;
}

export type VerifyPageRenderer = (req: Request, res: Response, error: string | null, status?: number) => Promise<void>;

/**
 * Sends a sign-in notification to all of the user's ready devices and remembers it in the
 * session. When the budget or a pause forbids it, renders the verify page (which offers the
 * one-time password) with the reason and returns false.
 */
export async function sendSignInNotification(ctx: MfaContext, req: Request, res: Response, userId: string, renderVerifyPage: VerifyPageRenderer): Promise<boolean> {
  if ((await ctx.push.readyFactors(userId)).length === 0) {
    await renderVerifyPage(req, res, 'No app is set up for notifications. Enter a verification code instead.', 409);
    return false;
  }
  try {
    // A locked account cannot complete a sign-in, so it gets no notifications either.
    await ctx.lockout.assertNotLocked(userId);
    rememberChallenge(req, await ctx.push.send(userId, null, context(req)));
    return true;
  } catch (error) {
    if (!(error instanceof RateLimitedError || error instanceof LockedOutError)) throw error;
    setRetryAfter(res, error);
    await renderVerifyPage(req, res, error.message, 429);
    return false;
  }
}
