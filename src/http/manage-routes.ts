import { Router } from 'express';
import type { MfaContext } from '../context.js';
import { NotFoundError } from '../errors.js';
import { requireFreshSecondFactor } from './access.js';
import { goToPage } from './flow.js';
import { handle } from './handle.js';
import { renderPage } from './respond.js';

const METHOD_NAMES: Record<string, string> = { totp: 'Mobile app: one-time password', push: 'Mobile app: notification' };

/** Self-service: the user sees and removes their own methods, and adds more. */
export function manageRoutes(ctx: MfaContext): Router {
  const router = Router();
  const managePath = `${ctx.options.basePath}/manage`;

  router.get('/manage', handle(ctx, async (req, res) => {
    const userId = await requireFreshSecondFactor(ctx, req, res, managePath);
    if (userId === null) return;
    const factors = (await ctx.store.listFactors(userId))
      .filter((f) => f.confirmedAt !== null)
      .map((f) => ({
        id: f.id,
        label: f.label,
        method: METHOD_NAMES[f.type] ?? f.type,
        createdAt: new Date(f.createdAt).toISOString().slice(0, 10),
        lastUsedAt: f.lastUsedAt === null ? 'never' : new Date(f.lastUsedAt).toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      }));
    await renderPage(ctx, req, res, 'manage', { title: 'Security info', factors });
  }));

  router.post('/manage/factors/:id/delete', handle(ctx, async (req, res) => {
    const userId = await requireFreshSecondFactor(ctx, req, res, managePath);
    if (userId === null) return;
    const id = String(req.params.id);
    if (!(await ctx.store.deleteFactor(userId, id))) throw new NotFoundError('That method does not exist.');
    ctx.emit({ type: 'factor.removed', userId, ip: req.ip, factorId: id });
    await goToPage(ctx, req, res, '/manage');
  }));

  return router;
}
