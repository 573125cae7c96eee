import { handle } from './handle.js';
import { checkAccess, ExpressMethodPage } from './method-page.js';
import type { Pages } from './pages.js';
import { PageRoutes } from './page-routes.js';

/** Every page the enabled methods declare, each behind its access check (see RouteAccess). */
export function methodRoutes(pages: Pages): PageRoutes {
  const router = new PageRoutes();
  for (const method of pages.registry.methods) {
    for (const route of method.parts.routes ?? []) {
      const answer = handle(pages, async (req, res) => {
        const access = await checkAccess(pages, method, route, req, res);
        if (access) await route.handle(new ExpressMethodPage(pages, method, req, res, access));
      });
      if (route.method === 'GET') router.get(route.path, answer);
      else router.post(route.path, answer);
    }
  }
  return router;
}
