import { Router } from 'express';
import type { Request, Response } from 'express';
import type { MfaContext } from '../context.js';
import { randomId } from '../crypto/random.js';
import { InvalidInputError } from '../errors.js';
import { normalizeOtpCode } from '../methods/otp-code.js';
import { countryOptions, defaultCountry, maskPhone, parseMobileNumber } from '../methods/phone-number.js';
import { requireFreshSecondFactor } from './access.js';
import { goToPage } from './flow.js';
import { formBody } from './form-body.js';
import { handle } from './handle.js';
import { notifyPhoneChanged, parseChannel, phoneFactorOf, phoneMethod, sendOrExplain } from './phone-support.js';
import { renderPage } from './respond.js';
import { sessionState } from './session-state.js';
import type { MfaSessionState } from './session-state.js';
import { enabledSetupSteps, nextSetupStep } from './setup-wizard.js';

const STEP = '/setup/phone';

/**
 * The backup-phone step of the setup wizard, also used from Security info to change the number:
 * enter a number, receive a code, enter it. The number is saved only once the code matched.
 */
export function phoneSetupRoutes(ctx: MfaContext): Router {
  const router = Router();
  const stepPath = ctx.options.basePath + STEP;
  const fresh = (req: Request, res: Response) => requireFreshSecondFactor(ctx, req, res, stepPath);
  const after = (then: 'wizard' | 'manage') => (then === 'manage' ? '/manage' : nextSetupStep(STEP, enabledSetupSteps(ctx)));
  /** The way out offered when a code could not be sent. */
  const leave = (then: 'wizard' | 'manage') => ({
    otherHref: ctx.options.basePath + after(then),
    otherLabel: then === 'manage' ? 'Back to Security info' : 'Skip this step',
  });
  /** The user and the number this session is proving; null once it answered (sign in again, or enter a number first). */
  const proving = async (req: Request, res: Response) => {
    const userId = await fresh(req, res);
    if (userId === null) return null;
    const setup = phoneSetupOf(ctx, req, userId);
    if (!setup) {
      await goToPage(ctx, req, res, STEP);
      return null;
    }
    return { userId, setup };
  };

  router.get(STEP, handle(ctx, async (req, res) => {
    if (!ctx.phone) return goToPage(ctx, req, res, nextSetupStep(STEP, enabledSetupSteps(ctx)));
    const userId = await fresh(req, res);
    if (userId === null) return;
    await renderNumberPage(ctx, req, res, userId, { then: req.query.then === 'manage' ? 'manage' : 'wizard' });
  }));

  router.post(STEP, handle(ctx, async (req, res) => {
    const phone = phoneMethod(ctx);
    const userId = await fresh(req, res);
    if (userId === null) return;
    const body = formBody(req);
    const then = body.then === 'manage' ? 'manage' : 'wizard';
    if (body.action === 'skip') return goToPage(ctx, req, res, after(then));
    const parsed = parseMobileNumber(body.number, body.country);
    const channel = parseChannel(body.channel);
    if (!parsed.ok) {
      const number = typeof body.number === 'string' ? body.number.slice(0, 40) : '';
      return renderNumberPage(ctx, req, res, userId, { then, error: parsed.message, number, country: body.country, channel }, 400);
    }
    const sent = await sendOrExplain(ctx, req, res, () => phone.send({ userId, ip: req.ip, purpose: 'enroll', to: parsed.e164, channel }), {
      backHref: stepPath + (then === 'manage' ? '?then=manage' : ''),
      ...leave(then),
    });
    if (!sent) return;
    sessionState(req).phoneSetup = { userId, e164: parsed.e164, channel, startedAt: ctx.options.clock(), then };
    await goToPage(ctx, req, res, `${STEP}/verify`);
  }));

  router.get(`${STEP}/verify`, handle(ctx, async (req, res) => {
    phoneMethod(ctx);
    const proof = await proving(req, res);
    if (proof) await renderCodePage(ctx, req, res, proof.setup, null);
  }));

  router.post(`${STEP}/verify`, handle(ctx, async (req, res) => {
    const phone = phoneMethod(ctx);
    const proof = await proving(req, res);
    if (!proof) return;
    const { userId, setup } = proof;
    await ctx.lockout.assertNotLocked(userId);
    let ok = false;
    try {
      ok = await phone.check(userId, 'enroll', setup.e164, normalizeOtpCode(formBody(req).code, phone.digits));
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
    }
    if (!ok) {
      // Guessing here is as dangerous as at sign-in (it proves a number), so it counts the same.
      const locked = await ctx.lockout.fail(userId);
      if (locked) throw locked;
      return renderCodePage(ctx, req, res, setup, 'That code is not valid or has expired. Check the latest message, or send a new code.', 401);
    }
    await ctx.lockout.succeed(userId);
    await savePhone(ctx, req, userId, setup.e164);
    delete sessionState(req).phoneSetup;
    await goToPage(ctx, req, res, after(setup.then));
  }));

  router.post(`${STEP}/resend`, handle(ctx, async (req, res) => {
    const phone = phoneMethod(ctx);
    const proof = await proving(req, res);
    if (!proof) return;
    const { userId, setup } = proof;
    setup.channel = parseChannel(formBody(req).channel);
    const sent = await sendOrExplain(ctx, req, res, () => phone.send({ userId, ip: req.ip, purpose: 'enroll', to: setup.e164, channel: setup.channel }), {
      backHref: `${stepPath}/verify`,
      ...leave(setup.then),
    });
    if (sent) await goToPage(ctx, req, res, `${STEP}/verify`);
  }));

  return router;
}

/** The number this session is proving, while the setup is younger than pendingTtlMs. */
function phoneSetupOf(ctx: MfaContext, req: Request, userId: string): NonNullable<MfaSessionState['phoneSetup']> | null {
  const setup = sessionState(req).phoneSetup;
  if (!setup || setup.userId !== userId || ctx.options.clock() - setup.startedAt >= ctx.options.pendingTtlMs) return null;
  return setup;
}

/** Saves the proven number (replacing an older one) and tells the audit log and the host. */
async function savePhone(ctx: MfaContext, req: Request, userId: string, e164: string): Promise<void> {
  const previous = await phoneFactorOf(ctx, userId);
  const now = ctx.options.clock();
  await ctx.store.core.createFactor({
    id: randomId(ctx.options.random), userId, type: 'phone', label: maskPhone(e164), sealedSecret: null,
    data: { e164 }, createdAt: now, confirmedAt: now, lastUsedAt: null, lastStep: null,
  });
  if (previous) await ctx.store.core.deleteFactor(userId, previous.id);
  await notifyPhoneChanged(ctx, { userId, action: previous ? 'changed' : 'added', phone: e164, previousPhone: previous?.data.e164 ?? null, ip: req.ip });
}

interface NumberPageLocals {
  then: 'wizard' | 'manage';
  error?: string;
  number?: string;
  country?: unknown;
  channel?: string;
}

async function renderNumberPage(ctx: MfaContext, req: Request, res: Response, userId: string, locals: NumberPageLocals, status = 200): Promise<void> {
  const current = await phoneFactorOf(ctx, userId);
  const configured = typeof locals.country === 'string' ? locals.country : ctx.options.phone.defaultCountry;
  await renderPage(ctx, req, res, 'setup-phone', {
    title: current ? 'Change your backup phone' : 'Add a backup phone',
    countries: countryOptions(),
    selectedCountry: defaultCountry(configured, req.acceptsLanguages()),
    number: locals.number ?? '',
    channel: locals.channel ?? 'sms',
    then: locals.then,
    current: current ? maskPhone(current.data.e164) : null,
    error: locals.error ?? null,
  }, status);
}

async function renderCodePage(ctx: MfaContext, req: Request, res: Response, setup: NonNullable<MfaSessionState['phoneSetup']>, error: string | null, status = 200): Promise<void> {
  await renderPage(ctx, req, res, 'setup-phone-verify', {
    title: 'Verify your phone',
    masked: maskPhone(setup.e164),
    channel: setup.channel,
    digits: phoneMethod(ctx).digits,
    error,
  }, status);
}
