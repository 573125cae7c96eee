import { Router } from 'express';
import type { Request, Response } from 'express';
import type { MfaContext } from '../context.js';
import { NotFoundError, PendingExpiredError } from '../errors.js';
import { maskPhone } from '../methods/phone-number.js';
import { runSecondStep } from './authenticate.js';
import { goTo, livePending, requireUserId, goToPage } from './flow.js';
import { formBody } from './form-body.js';
import { handle } from './handle.js';
import { parseChannel, phoneMethod, sendOrExplain, verifiedPhoneIn } from './phone-support.js';
import { renderPage, retryAfter } from './respond.js';
import { safeReturnTo } from './safe-return-to.js';
import { sessionState } from './session-state.js';
import { alreadyDone } from './verify-routes.js';
import { hasConfirmedCodeFactor } from '../methods/totp.js';

/**
 * Sign-in with a code sent to the verified phone ("Text me" / "Call me" on the verify page).
 * The code is checked by the same 'mfa' Passport strategy as app codes, under the same lockout.
 */
export function phoneVerifyRoutes(ctx: MfaContext): Router {
  const router = Router();

  router.post('/verify/phone/send', handle(ctx, async (req, res) => {
    const phone = phoneMethod(ctx);
    const { userId, to } = await phoneSignIn(ctx, req);
    if (await alreadyDone(ctx, req, res, userId)) return;
    await livePending(ctx, req, userId);
    // A locked user gets no code: it could not be used, and each message costs money.
    await ctx.lockout.assertNotLocked(userId);
    const channel = parseChannel(formBody(req).channel);
    const sent = await sendOrExplain(ctx, req, res, () => phone.send({ userId, ip: req.ip, purpose: 'signin', to, channel }), {
      backHref: `${ctx.options.basePath}/verify`,
      otherHref: `${ctx.options.basePath}/verify`,
      otherLabel: 'Use your mobile app instead',
    });
    if (!sent) return;
    sessionState(req).phoneSignin = { userId, channel };
    await goToPage(ctx, req, res, '/verify/phone');
  }));

  router.get('/verify/phone', handle(ctx, async (req, res) => {
    const signIn = await phoneSignIn(ctx, req);
    if (await alreadyDone(ctx, req, res, signIn.userId)) return;
    await renderCodePage(ctx, req, res, signIn, null);
  }));

  router.post('/verify/phone', handle(ctx, async (req, res) => {
    const signIn = await phoneSignIn(ctx, req);
    if (await alreadyDone(ctx, req, res, signIn.userId)) return;
    // The 'mfa' strategy reads the method from the form; this route accepts phone codes only.
    req.body = { ...formBody(req), method: 'phone' };
    const result = await runSecondStep(ctx, req, res, 'verify');
    if (result.ok) return goTo(req, res, safeReturnTo(result.returnTo, ctx.options.defaultReturnTo));
    if (result.info.code === 'pending_expired') throw new PendingExpiredError(result.info.message);
    retryAfter(res, result.info.retryAfterSeconds);
    await renderCodePage(ctx, req, res, signIn, result.info.message, result.info.status);
  }));

  return router;
}

interface PhoneSignIn {
  userId: string;
  /** The verified phone, E.164. */
  to: string;
  /** Whether the code page offers the mobile app instead. */
  hasTotp: boolean;
}

/** The signed-in (first factor) user with a verified phone, from one read of their factors. */
async function phoneSignIn(ctx: MfaContext, req: Request): Promise<PhoneSignIn> {
  phoneMethod(ctx);
  const userId = requireUserId(ctx, req);
  const factors = await ctx.store.core.listFactors(userId);
  const factor = verifiedPhoneIn(factors);
  if (!factor) throw new NotFoundError('No phone is set up for this account.');
  return { userId, to: factor.data.e164, hasTotp: hasConfirmedCodeFactor(factors) };
}

async function renderCodePage(ctx: MfaContext, req: Request, res: Response, signIn: PhoneSignIn, error: string | null, status = 200): Promise<void> {
  const { userId, to, hasTotp } = signIn;
  await livePending(ctx, req, userId);
  const sent = sessionState(req).phoneSignin;
  await renderPage(ctx, req, res, 'verify-phone', {
    title: 'Verify your identity',
    masked: maskPhone(to),
    channel: sent?.userId === userId ? sent.channel : 'sms',
    digits: phoneMethod(ctx).digits,
    hasTotp,
    error,
  }, status);
}
