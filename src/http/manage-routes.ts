import { NotFoundError } from '../errors.js';
import { formatDay, formatMinute } from '../format-time.js';
import type { InfoAction, ViewPart } from '../methods/method.js';
import { requireFreshSecondFactor } from './access.js';
import { csrfToken } from './csrf.js';
import { goToPage } from './flow.js';
import { handle } from './handle.js';
import type { Pages } from './pages.js';
import { renderPage } from './respond.js';
import { PageRoutes } from './page-routes.js';

/** Security info: the user sees and removes their own methods, adds more, and uses each method's own section. */
export function manageRoutes(pages: Pages): PageRoutes {
  const router = new PageRoutes();
  const { options, store, registry } = pages;
  const managePath = `${options.basePath}/manage`;
  const action = (a: InfoAction) =>
    'href' in a ? { label: a.label, href: options.basePath + a.href } : { label: a.label, action: options.basePath + a.action, fields: Object.entries(a.fields ?? {}) };

  router.get('/manage', handle(pages, async (req, res) => {
    const userId = await requireFreshSecondFactor(pages, req, res, managePath);
    if (userId === null) return;
    const factors = (await store.core.listFactors(userId)).filter((f) => f.confirmedAt !== null);
    const rows = await Promise.all(factors.map(async (f) => {
      const row = (await registry.ownerOf(f)?.parts.securityInfo?.row?.(f)) ?? { detail: null, actions: [] };
      return {
        id: f.id,
        method: registry.nameOf(f.type),
        detail: row.detail,
        actions: row.actions.map(action),
        createdAt: formatDay(f.createdAt),
        lastUsedAt: formatMinute(f.lastUsedAt),
      };
    }));
    const parts = registry.methods.map((m) => m.parts.securityInfo).filter((p) => p !== undefined);
    const addActions = parts.flatMap((p) => p.addAction?.(factors) ?? []).map(action);
    const sections = (await Promise.all(parts.map((p) => p.section?.(userId) ?? null))).filter((s): s is ViewPart => s !== null);
    const token = csrfToken(req, options.random);
    await renderPage(pages, req, res, 'manage', {
      title: 'Security info',
      factors: rows,
      addActions,
      sections: sections.map(({ view, locals }) => pages.views.renderPart(view, { ...locals, csrfToken: token })),
    });
  }));

  router.post('/manage/factors/:id/delete', handle(pages, async (req, res) => {
    const userId = await requireFreshSecondFactor(pages, req, res, managePath);
    if (userId === null) return;
    const id = String(req.params.id);
    const factor = await store.core.getFactor(id);
    if (!(await store.core.deleteFactor(userId, id))) throw new NotFoundError('That method does not exist.');
    pages.emit({ type: 'factor.removed', userId, ip: req.ip, factorId: id, method: factor?.type });
    if (factor) await registry.ownerOf(factor)?.parts.factorRemoved?.(factor, req.ip);
    await goToPage(options, req, res, '/manage');
  }));

  return router;
}
