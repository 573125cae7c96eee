import { LastMethodError, NotFoundError } from '../errors.js';
import { requireFreshSecondFactor } from './access.js';
import { confirmedFactors } from './confirmed-factors.js';
import { describeFactor } from './factor-names.js';
import { handle } from './handle.js';
import { PageRoutes } from './page-routes.js';
import type { Pages } from './pages.js';
import { removalWarnings } from './removal-warnings.js';
import { renderPage } from './respond.js';

/**
 * The page that asks before a method is deleted from Security info (a plain page, so it works
 * without JavaScript and no browser dialog hides what will change). Its form posts to the
 * delete route in manage-routes.ts.
 */
export function removalRoutes(pages: Pages): PageRoutes {
  const router = new PageRoutes();
  const { options } = pages;

  router.get('/manage/factors/:id/delete', handle(pages, async (req, res) => {
    const path = `${options.basePath}/manage/factors/${encodeURIComponent(String(req.params.id))}/delete`;
    const userId = await requireFreshSecondFactor(pages, req, res, path);
    if (userId === null) return;
    const confirmed = await confirmedFactors(pages, userId);
    const factor = confirmed.find((f) => f.id === req.params.id);
    if (!factor) throw new NotFoundError('That method does not exist.');
    const name = await describeFactor(pages, factor);
    if (confirmed.length === 1 && !options.allowRemovingLastMethod) {
      await renderPage(pages, req, res, 'manage-confirm', {
        title: `You can't delete ${name}`,
        heading: `You can't delete ${name}`,
        consequence: new LastMethodError().message,
        warnings: [],
        action: null,
        cancelHref: `${options.basePath}/manage`,
      });
      return;
    }
    await renderPage(pages, req, res, 'manage-confirm', {
      title: `Delete ${name}?`,
      heading: `Delete ${name}?`,
      consequence: `You won't be able to sign in with ${name} any more.`,
      warnings: removalWarnings(factor, confirmed),
      action: path,
      confirmLabel: 'Delete',
      cancelHref: `${options.basePath}/manage`,
    });
  }));

  return router;
}
