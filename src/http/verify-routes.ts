import { Router } from 'express';
import type { Request, Response } from 'express';
import type { MfaContext } from '../context.js';
import { PendingExpiredError } from '../errors.js';
import { maskPhone } from '../methods/phone-number.js';
import { runSecondStep } from './authenticate.js';
import { goTo, isEnrolled, livePending, requireUserId, goToPage } from './flow.js';
import { formatMinute } from './format-time.js';
import { handle } from './handle.js';
import { hasConfirmedCodeFactor } from '../methods/totp.js';
import { verifiedPhoneIn } from './phone-support.js';
import { renderPage, retryAfter } from './respond.js';
import { safeReturnTo } from './safe-return-to.js';
import { pushVerifyRoutes, sendSignInNotification } from './push-verify-routes.js';
import { completedFor, pendingFor, sessionState } from './session-state.js';

/** The second step of every later sign-in (and re-verification before changing security info). */
export function verifyRoutes(ctx: MfaContext): Router {
  const router = Router();
  const render = (req: Request, res: Response, error: string | null, status?: number) =>
    renderVerifyPage(ctx, req, res, requireUserId(ctx, req), error, status);

  router.get('/verify', handle(ctx, async (req, res) => {
    const userId = requireUserId(ctx, req);
    if (await alreadyDone(ctx, req, res, userId)) return;
    if (!(await isEnrolled(ctx, userId))) return goToPage(ctx, req, res, '/setup');
    const pending = await livePending(ctx, req, userId);
    const autoSend = ctx.push.settings.autoSend && !pending.pushChallengeId && req.query.code === undefined;
    if (autoSend && (await ctx.push.readyFactors(userId)).length > 0) {
      if (await sendSignInNotification(ctx, req, res, userId, render)) await goToPage(ctx, req, res, '/verify/push');
      return;
    }
    await renderVerifyPage(ctx, req, res, userId, null);
  }));

  router.post('/verify', handle(ctx, async (req, res) => {
    const userId = requireUserId(ctx, req);
    if (await alreadyDone(ctx, req, res, userId)) return;
    // An expired sign-in ends the password step now (livePending logs out), not on the next page.
    if (sessionState(req).pending) await livePending(ctx, req, userId);
    const result = await runSecondStep(ctx, req, res, 'verify');
    if (result.ok) return goTo(req, res, safeReturnTo(result.returnTo, ctx.options.defaultReturnTo));
    if (result.info.code === 'pending_expired') throw new PendingExpiredError(result.info.message);
    await renderVerifyPage(ctx, req, res, userId, result.info.message, result.info.status, result.info.retryAfterSeconds);
  }));

  router.use(pushVerifyRoutes(ctx, render));
  return router;
}

/** A session that completed the second step and is not re-verifying goes on to its returnTo. */
export async function alreadyDone(ctx: MfaContext, req: Request, res: Response, userId: string): Promise<boolean> {
  if (!completedFor(req, userId)) return false;
  const pending = pendingFor(req, userId, ctx.options.clock(), ctx.options.pendingTtlMs);
  if (pending?.reverify) return false;
  await goTo(req, res, safeReturnTo(sessionState(req).returnTo, ctx.options.defaultReturnTo));
  return true;
}

async function renderVerifyPage(
  ctx: MfaContext,
  req: Request,
  res: Response,
  userId: string,
  error: string | null,
  status = 200,
  retryAfterSeconds?: number | null,
): Promise<void> {
  retryAfter(res, retryAfterSeconds);
  // One read of the user's factors serves every method shown on the page.
  const factors = await ctx.store.core.listFactors(userId);
  const phone = ctx.phone ? verifiedPhoneIn(factors) : null;
  const push = (await ctx.push.readyFactors(userId, factors)).length > 0;
  // "This wasn't me" reports are shown once, on the next visit to this page. With push off the
  // store may have no push facet, and there are no reports to show.
  const reports = ctx.options.push.enabled ? await ctx.store.push.listUnseenFraudReports(userId) : [];
  if (reports.length > 0) await ctx.store.push.markFraudReportsSeen(userId, ctx.options.clock());
  const fraudNotices = reports.map((r) => ({ when: formatMinute(r.createdAt), ip: r.context.ip ?? 'unknown' }));
  await renderPage(ctx, req, res, 'verify', {
    title: 'Verify your identity',
    error,
    digits: ctx.totp.digits,
    // The app (codes from an authenticator, or the companion app's own codes) stays the default
    // whenever it is enrolled; the phone is offered beside it.
    hasTotp: hasConfirmedCodeFactor(factors),
    phone: phone ? maskPhone(phone.data.e164) : null,
    push,
    fraudNotices,
  }, status);
}
