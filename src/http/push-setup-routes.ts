import { Router } from 'express';
import type { Request, Response } from 'express';
import QRCode from 'qrcode';
import type { MfaContext } from '../context.js';
import { InvalidInputError, PendingExpiredError, RateLimitedError } from '../errors.js';
import { groupDigits } from '../push/activation-code.js';
import type { FactorRecord } from '../stores/facets/core.js';
import { runSecondStep } from './authenticate.js';
import { goToPage, requireUserId } from './flow.js';
import { formBody } from './form-body.js';
import { enabledSetupSteps, nextSetupStep } from './setup-wizard.js';
import { handle } from './handle.js';
import { rememberChallenge, renderPushWait, sessionChallenge } from './push-pages.js';
import { renderPage, setRetryAfter } from './respond.js';
import { enrollingFactor } from './setup-routes.js';

/** Mobile app → Notification → Set up: activate the app, choose a PIN if required, approve a first notification. */
export function pushSetupRoutes(ctx: MfaContext): Router {
  const router = Router();

  router.get('/setup/push', handle(ctx, async (req, res) => {
    const factor = await enrollingFactor(ctx, req, 'push');
    if (!factor) return goToPage(ctx, req, res, '/setup');
    await renderSetupPush(ctx, req, res, factor, null);
  }));

  router.get('/setup/push/qr.png', handle(ctx, async (req, res) => {
    const factor = await enrollingFactor(ctx, req, 'push');
    const device = factor ? await ctx.store.push.getDevice(factor.id) : null;
    if (!device || device.activatedAt !== null) throw new PendingExpiredError('No activation is waiting.');
    const { uri } = ctx.push.enrollmentDetails(device, origin(ctx, req), ctx.options.basePath);
    const png = await QRCode.toBuffer(uri, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 264 });
    res.status(200).type('png').send(png);
  }));

  router.post('/setup/push/contact', handle(ctx, async (req, res) => {
    const factor = await enrollingFactor(ctx, req, 'push');
    if (!factor) return goToPage(ctx, req, res, '/setup');
    const device = await ctx.push.readyDevice(factor);
    if (!device) {
      const message = 'The app is not activated yet. Scan the QR code (or enter the Code and URL) in the app first, then select Contact me.';
      return renderSetupPush(ctx, req, res, factor, message, 409);
    }
    if (ctx.push.settings.requirePin && device.pinHash === null) return goToPage(ctx, req, res, '/setup/push/pin');
    await sendFirst(ctx, req, res, factor);
  }));

  router.get('/setup/push/pin', handle(ctx, async (req, res) => {
    const factor = await enrollingFactor(ctx, req, 'push');
    if (!factor || !(await ctx.push.readyDevice(factor))) return goToPage(ctx, req, res, factor ? '/setup/push' : '/setup');
    await renderPinPage(ctx, req, res, null);
  }));

  router.post('/setup/push/pin', handle(ctx, async (req, res) => {
    const factor = await enrollingFactor(ctx, req, 'push');
    if (!factor || !(await ctx.push.readyDevice(factor))) return goToPage(ctx, req, res, factor ? '/setup/push' : '/setup');
    const body = formBody(req);
    let pin: string;
    try {
      pin = ctx.push.pins.validateNew(body.pin, body.confirm);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return renderPinPage(ctx, req, res, error.message, 400);
    }
    await ctx.store.push.setDevicePin(factor.id, await ctx.push.pins.hash(pin));
    await sendFirst(ctx, req, res, factor);
  }));

  router.get('/setup/push/wait', handle(ctx, async (req, res) => {
    const userId = requireUserId(ctx, req);
    const factor = await enrollingFactor(ctx, req, 'push');
    if (!factor) return goToPage(ctx, req, res, '/setup');
    await renderPushWait(ctx, req, res, 'setup', { challenge: await sessionChallenge(ctx, req, userId) });
  }));

  router.post('/setup/push/wait', handle(ctx, async (req, res) => {
    const userId = requireUserId(ctx, req);
    const factor = await enrollingFactor(ctx, req, 'push');
    if (!factor) return goToPage(ctx, req, res, '/setup');
    const result = await runSecondStep(ctx, req, res, 'enroll');
    if (result.ok) return goToPage(ctx, req, res, nextSetupStep('/setup/push', enabledSetupSteps(ctx)));
    if (result.info.code === 'pending_expired') throw new PendingExpiredError(result.info.message);
    const challenge = await sessionChallenge(ctx, req, userId);
    const pendingStill = result.info.code === 'push_pending';
    await renderPushWait(ctx, req, res, 'setup', {
      challenge,
      error: pendingStill ? result.info.message : null,
      outcome: pendingStill ? null : result.info.message,
      status: result.info.status,
    });
  }));

  return router;
}

async function sendFirst(ctx: MfaContext, req: Request, res: Response, factor: FactorRecord): Promise<void> {
  try {
    const challenge = await ctx.push.send(factor.userId, factor.id, context(req));
    rememberChallenge(req, challenge);
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error;
    setRetryAfter(res, error);
    return renderSetupPush(ctx, req, res, factor, error.message, 429);
  }
  await goToPage(ctx, req, res, '/setup/push/wait');
}

async function renderSetupPush(ctx: MfaContext, req: Request, res: Response, factor: FactorRecord, error: string | null, status = 200): Promise<void> {
  const device = await ctx.store.push.getDevice(factor.id);
  if (!device) throw new PendingExpiredError('This setup expired. Start again.');
  const details = ctx.push.enrollmentDetails(device, origin(ctx, req), ctx.options.basePath);
  await renderPage(ctx, req, res, 'setup-push', {
    title: 'Configure mobile app',
    error,
    activated: device.activatedAt !== null,
    deviceName: device.name,
    code: groupDigits(details.code),
    url: details.url,
    expiresInMinutes: Math.max(0, Math.ceil((details.expiresAt - ctx.options.clock()) / 60_000)),
    qrSrc: `${ctx.options.basePath}/setup/push/qr.png?v=${encodeURIComponent(factor.id.slice(0, 8))}`,
  }, status);
}

async function renderPinPage(ctx: MfaContext, req: Request, res: Response, error: string | null, status = 200): Promise<void> {
  await renderPage(ctx, req, res, 'setup-push-pin', { title: 'Choose a PIN', error, pinLength: ctx.push.settings.pinLength }, status);
}

/** The origin devices reach this app at: the configured one, else the request's own. */
export function origin(ctx: MfaContext, req: Request): string {
  return ctx.options.push.publicOrigin ?? `${req.protocol}://${req.get('host')}`;
}

/** What the device shows about the sign-in it is asked to approve. */
export function context(req: Request): { ip: string | null; userAgent: string | null } {
  return { ip: req.ip ?? null, userAgent: req.get('user-agent')?.slice(0, 256) ?? null };
}
