import type { Request, Response } from 'express';
import { LastMethodError, NotFoundError } from '../errors.js';
import type { MfaError } from '../errors.js';
import { shownDay, shownMinute } from '../format-time.js';
import { validateDisplayName } from '../methods/display-name.js';
import type { InfoAction, ViewPart } from '../methods/method.js';
import { sessionState, survivesRemovalOf, takeNotice } from '../second-step/session-state.js';
import type { FactorRecord } from '../stores/facets/core.js';
import { requireFreshSecondFactor } from './access.js';
import { confirmedFactors } from './confirmed-factors.js';
import { csrfToken } from './csrf.js';
import { describeFactor, shownName } from './factor-names.js';
import { goToPage } from './flow.js';
import { handle } from './handle.js';
import type { Pages } from './pages.js';
import { renderPage } from './respond.js';
import { PageRoutes } from './page-routes.js';
import { keepSignedIn } from './session-check.js';

/**
 * Security info: the user's methods (name, when added and last used, Rename, Make default,
 * Delete), adding more, each method's own section (app passwords, ...), and "Sign out
 * everywhere". Every page and change needs a recent second step on this session.
 */
export function manageRoutes(pages: Pages): PageRoutes {
  const router = new PageRoutes();
  const { options, store, registry } = pages;
  const managePath = `${options.basePath}/manage`;
  const fresh = (req: Request, res: Response) => requireFreshSecondFactor(pages, req, res, managePath);
  const backToManage = (req: Request, res: Response, notice?: string) => {
    if (notice) sessionState(req).notice = notice;
    return goToPage(options, req, res, '/manage');
  };

  router.get('/manage', handle(pages, async (req, res) => {
    const userId = await fresh(req, res);
    if (userId === null) return;
    await renderManagePage(pages, req, res, userId, null);
  }));

  router.post('/manage/factors/:id/delete', handle(pages, async (req, res) => {
    const userId = await fresh(req, res);
    if (userId === null) return;
    const factor = await ownFactor(pages, userId, req.params.id);
    const outcome = options.allowRemovingLastMethod
      ? ((await store.core.deleteFactor(userId, factor.id)) ? 'deleted' : 'not_found')
      : await store.core.deleteFactorUnlessLast(userId, factor.id);
    if (outcome === 'not_found') throw new NotFoundError('That method does not exist.');
    if (outcome === 'last') return renderManagePage(pages, req, res, userId, new LastMethodError());
    // Sessions that signed in with it end on their next request (the store's watch); not this one.
    survivesRemovalOf(req, factor.id);
    pages.emit({ type: 'factor.removed', userId, ip: req.ip, factorId: factor.id, method: factor.type });
    await registry.ownerOf(factor)?.parts.factorRemoved?.(factor, req.ip);
    await backToManage(req, res, `${await describeFactor(pages, factor)} was deleted. Anyone signed in with it was signed out.`);
  }));

  router.get('/manage/factors/:id/rename', handle(pages, async (req, res) => {
    const userId = await fresh(req, res);
    if (userId === null) return;
    const factor = await renamableFactor(pages, userId, req.params.id);
    await renderRenamePage(pages, req, res, factor, null, null);
  }));

  router.post('/manage/factors/:id/rename', handle(pages, async (req, res) => {
    const userId = await fresh(req, res);
    if (userId === null) return;
    const factor = await renamableFactor(pages, userId, req.params.id);
    const input = (req.body as Record<string, unknown> | undefined)?.name;
    let name: string;
    try {
      name = validateDisplayName(input, 'method', factor.label);
    } catch (error) {
      return renderRenamePage(pages, req, res, factor, typeof input === 'string' ? input.slice(0, 200) : '', error as MfaError);
    }
    if (!(await store.core.renameFactor(userId, factor.id, name))) throw new NotFoundError('That method does not exist.');
    pages.emit({ type: 'factor.renamed', userId, ip: req.ip, factorId: factor.id, method: factor.type });
    await backToManage(req, res, `Renamed to “${name}”.`);
  }));

  router.post('/manage/factors/:id/default', handle(pages, async (req, res) => {
    const userId = await fresh(req, res);
    if (userId === null) return;
    const factor = await ownFactor(pages, userId, req.params.id);
    if (!registry.defaultFactor([factor])) throw new NotFoundError('That method cannot be used to sign in here.');
    if (!(await store.core.preferFactor(userId, factor.id, options.clock()))) throw new NotFoundError('That method does not exist.');
    pages.emit({ type: 'factor.made_default', userId, ip: req.ip, factorId: factor.id, method: factor.type });
    await backToManage(req, res, `${factor.label} is now your default sign-in method.`);
  }));

  router.post('/manage/sign-out-everywhere', handle(pages, async (req, res) => {
    const userId = await fresh(req, res);
    if (userId === null) return;
    await pages.revokeSessions(userId, 'sign_out_everywhere');
    await keepSignedIn(pages.sessions, req, userId);
    await backToManage(req, res, 'You were signed out everywhere else. You are still signed in here.');
  }));

  return router;
}

/** A confirmed factor of this user; another user's id, an unconfirmed or unknown one is 404 (and nothing changes). */
async function ownFactor(pages: Pages, userId: string, id: unknown): Promise<FactorRecord> {
  const factor = typeof id === 'string' && id.length <= 200 ? await pages.store.core.getFactor(id) : null;
  if (!factor || factor.userId !== userId || factor.confirmedAt === null) throw new NotFoundError('That method does not exist.');
  return factor;
}

async function renamableFactor(pages: Pages, userId: string, id: unknown): Promise<FactorRecord> {
  const factor = await ownFactor(pages, userId, id);
  if (!pages.registry.ownerOf(factor)?.parts.securityInfo?.renamable) throw new NotFoundError('That method cannot be renamed.');
  return factor;
}

async function renderManagePage(pages: Pages, req: Request, res: Response, userId: string, error: MfaError | null): Promise<void> {
  const { options, registry } = pages;
  const action = (a: InfoAction) =>
    'href' in a ? { label: a.label, href: options.basePath + a.href } : { label: a.label, action: options.basePath + a.action, fields: Object.entries(a.fields ?? {}) };
  const factors = await confirmedFactors(pages, userId);
  const now = options.clock();
  const byDefault = registry.defaultFactor(factors);
  const rows = await Promise.all(factors.map(async (f) => {
    const owner = registry.ownerOf(f);
    const row = (await owner?.parts.securityInfo?.row?.(f)) ?? { detail: null, actions: [] };
    const path = `${options.basePath}/manage/factors/${encodeURIComponent(f.id)}`;
    return {
      id: f.id,
      method: registry.nameOf(f.type),
      name: row.detail ?? f.label,
      isDefault: byDefault?.factor.id === f.id,
      actions: [
        ...row.actions.map(action),
        ...(owner?.parts.securityInfo?.renamable ? [{ label: 'Rename', href: `${path}/rename` }] : []),
        ...(byDefault && byDefault.factor.id !== f.id && registry.defaultFactor([f]) ? [{ label: 'Make default', action: `${path}/default`, fields: [] }] : []),
      ],
      deleteAction: `${path}/delete`,
      createdAt: shownDay(f.createdAt, now),
      lastUsedAt: shownMinute(f.lastUsedAt, now),
    };
  }));
  const parts = registry.methods.map((m) => m.parts.securityInfo).filter((p) => p !== undefined);
  const addActions = parts.flatMap((p) => p.addAction?.(factors) ?? []).map(action);
  const sections = (await Promise.all(parts.map((p) => p.section?.(userId) ?? null))).filter((s): s is ViewPart => s !== null);
  const notice = takeNotice(req);
  const token = csrfToken(req, options.random);
  await renderPage(pages, req, res, 'manage', {
    title: 'Security info',
    error: error?.message ?? null,
    notice,
    factors: rows,
    addActions,
    sections: sections.map(({ view, locals }) => pages.views.renderPart(view, { ...locals, csrfToken: token })),
  }, error?.status ?? 200);
}

/** The Rename page; its field holds `name` (what was sent), or the current name when null. */
async function renderRenamePage(pages: Pages, req: Request, res: Response, factor: FactorRecord, name: string | null, error: MfaError | null): Promise<void> {
  const current = await shownName(pages, factor);
  await renderPage(pages, req, res, 'manage-rename', {
    title: 'Rename',
    method: pages.registry.nameOf(factor.type),
    current,
    name: name ?? current,
    action: `${pages.options.basePath}/manage/factors/${encodeURIComponent(factor.id)}/rename`,
    error: error?.message ?? null,
  }, error?.status ?? 200);
}
