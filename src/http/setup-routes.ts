import { Router } from 'express';
import type { Request, Response } from 'express';
import QRCode from 'qrcode';
import type { MfaContext } from '../context.js';
import { InvalidInputError, PendingExpiredError } from '../errors.js';
import type { FactorRecord } from '../stores/facets/core.js';
import { requireSetupAccess } from './access.js';
import { runSecondStep } from './authenticate.js';
import { livePending, requireUserId, goToPage } from './flow.js';
import { formBody } from './form-body.js';
import { handle } from './handle.js';
import { renderPage } from './respond.js';
import { safeReturnTo } from './safe-return-to.js';
import { completedFor, sessionState } from './session-state.js';
import { enabledSetupSteps, nextSetupStep } from './setup-wizard.js';

const CONTACT_OPTIONS = ['mobile_app'] as const;
const MOBILE_APP_MODES = ['notification', 'otp'] as const;

/** Additional security verification: choose a method, set it up, confirm it, Done. */
export function setupRoutes(ctx: MfaContext): Router {
  const router = Router();

  router.get('/setup', handle(ctx, async (req, res) => {
    if ((await requireSetupAccess(ctx, req, res)) === null) return;
    await renderMethodPage(ctx, req, res, {});
  }));

  router.post('/setup', handle(ctx, async (req, res) => {
    const userId = await requireSetupAccess(ctx, req, res);
    if (userId === null) return;
    const body = formBody(req);
    const contact = oneOf(body.contact, CONTACT_OPTIONS);
    const mode = oneOf(body.mode, MOBILE_APP_MODES);
    if (contact === null || mode === null) {
      await renderMethodPage(ctx, req, res, { error: 'Choose how we should contact you, then Set up.' }, 400);
      return;
    }
    if (mode === 'notification' && !ctx.push.settings.enabled) {
      await renderMethodPage(ctx, req, res, { error: 'Notifications are not available. Choose One-time password.' }, 400);
      return;
    }
    await ctx.store.core.deleteUnconfirmedFactors(userId);
    if (mode === 'notification') {
      const factor = await ctx.push.enroll(userId, ctx.options.getAccountName(req.user!));
      const pending = await livePending(ctx, req, userId);
      pending.enrollFactorId = factor.id;
      delete pending.pushChallengeId;
      return goToPage(ctx, req, res, '/setup/push');
    }
    const { factor } = await ctx.totp.enroll(userId, ctx.options.getAccountName(req.user!));
    const pending = await livePending(ctx, req, userId);
    pending.enrollFactorId = factor.id;
    await goToPage(ctx, req, res, '/setup/totp');
  }));

  router.get('/setup/totp', handle(ctx, async (req, res) => {
    const factor = await enrollingFactor(ctx, req);
    if (!factor) return goToPage(ctx, req, res, '/setup');
    await renderTotpPage(ctx, req, res, factor, null);
  }));

  router.get('/setup/totp/qr.png', handle(ctx, async (req, res) => {
    const factor = await enrollingFactor(ctx, req);
    if (!factor) throw new PendingExpiredError('No setup is under way.');
    // A whole number of pixels per module: a fixed width gives fractional modules of uneven size.
    const png = await QRCode.toBuffer(ctx.totp.provisioning(factor).uri, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 });
    res.status(200).type('png').send(png);
  }));

  router.post('/setup/totp', handle(ctx, async (req, res) => {
    const factor = await enrollingFactor(ctx, req);
    if (!factor) return goToPage(ctx, req, res, '/setup');
    const result = await runSecondStep(ctx, req, res, 'enroll');
    if (result.ok) return goToPage(ctx, req, res, nextSetupStep('/setup/totp', enabledSetupSteps(ctx)));
    if (result.info.code === 'pending_expired') throw new PendingExpiredError(result.info.message);
    await renderTotpPage(ctx, req, res, factor, result.info.message, result.info.status);
  }));

  router.get('/setup/done', handle(ctx, async (req, res) => {
    const completed = completedFor(req, requireUserId(ctx, req));
    if (!completed) return goToPage(ctx, req, res, '/setup');
    const returnTo = safeReturnTo(sessionState(req).returnTo, ctx.options.defaultReturnTo);
    await renderPage(ctx, req, res, 'setup-done', { title: 'Additional security verification', returnTo, method: completed.method });
  }));

  return router;
}

async function renderMethodPage(ctx: MfaContext, req: Request, res: Response, locals: { error?: string }, status = 200): Promise<void> {
  await renderPage(ctx, req, res, 'setup-method', { title: 'Additional security verification', pushEnabled: ctx.push.settings.enabled, ...locals }, status);
}

async function renderTotpPage(ctx: MfaContext, req: Request, res: Response, factor: FactorRecord, error: string | null, status = 200): Promise<void> {
  const p = ctx.totp.provisioning(factor);
  await renderPage(ctx, req, res, 'setup-totp', {
    title: 'Configure mobile app',
    error,
    provisioning: { ...p, groupedSecret: p.secret.match(/.{1,4}/g)!.join(' ') },
    qrSrc: `${ctx.options.basePath}/setup/totp/qr.png?v=${encodeURIComponent(factor.id.slice(0, 8))}`,
  }, status);
}

/** The unconfirmed factor (of `type`) this session is setting up, if it is still live and the user's own. */
export async function enrollingFactor(ctx: MfaContext, req: Request, type = 'totp'): Promise<FactorRecord | null> {
  const userId = requireUserId(ctx, req);
  const pending = sessionState(req).pending;
  if (!pending?.enrollFactorId || pending.userId !== userId) return null;
  if (ctx.options.clock() - pending.startedAt >= ctx.options.pendingTtlMs) {
    await livePending(ctx, req, userId);
    return null;
  }
  const factor = await ctx.store.core.getFactor(pending.enrollFactorId);
  return factor && factor.userId === userId && factor.type === type && factor.confirmedAt === null ? factor : null;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | null {
  if (value === undefined) return null;
  if (typeof value !== 'string') throw new InvalidInputError('The form was not filled in correctly.');
  return (allowed as readonly string[]).includes(value) ? (value as T) : null;
}
