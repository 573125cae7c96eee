import { Router } from 'express';
import type { MfaContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { requireFreshSecondFactor } from './access.js';
import { appPasswordRows } from './app-password-routes.js';
import { goToPage } from './flow.js';
import { formatDay, formatMinute } from './format-time.js';
import { handle } from './handle.js';
import { notifyPhoneChanged } from './phone-support.js';
import { renderPage } from './respond.js';

const METHOD_NAMES: Record<string, string> = {
  totp: 'Mobile app: one-time password',
  push: 'Mobile app: notification',
  phone: 'Backup phone',
};

/** Self-service: the user sees and removes their own methods, and adds more. */
export function manageRoutes(ctx: MfaContext): Router {
  const router = Router();
  const managePath = `${ctx.options.basePath}/manage`;

  router.get('/manage', handle(ctx, async (req, res) => {
    const userId = await requireFreshSecondFactor(ctx, req, res, managePath);
    if (userId === null) return;
    const factors = (await ctx.store.core.listFactors(userId))
      .filter((f) => f.confirmedAt !== null)
      .map((f) => ({
        id: f.id,
        label: f.label,
        method: METHOD_NAMES[f.type] ?? f.type,
        // Only the phone's label (its masked number) says more than the method name.
        detail: f.type === 'phone' ? f.label : null,
        isPhone: f.type === 'phone',
        createdAt: formatDay(f.createdAt),
        lastUsedAt: formatMinute(f.lastUsedAt),
      }));
    const phoneEnabled = ctx.phone !== null;
    const appPasswords = await appPasswordRows(ctx, userId);
    await renderPage(ctx, req, res, 'manage', { title: 'Security info', factors, phoneEnabled, appPasswords });
  }));

  router.post('/manage/factors/:id/delete', handle(ctx, async (req, res) => {
    const userId = await requireFreshSecondFactor(ctx, req, res, managePath);
    if (userId === null) return;
    const id = String(req.params.id);
    const factor = await ctx.store.core.getFactor(id);
    if (!(await ctx.store.core.deleteFactor(userId, id))) throw new NotFoundError('That method does not exist.');
    ctx.emit({ type: 'factor.removed', userId, ip: req.ip, factorId: id });
    if (factor?.type === 'phone') {
      await notifyPhoneChanged(ctx, { userId, action: 'removed', phone: null, previousPhone: String(factor.data.e164), ip: req.ip });
    }
    await goToPage(ctx, req, res, '/manage');
  }));

  return router;
}
