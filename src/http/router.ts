import express, { Router } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { addMethodRoutes } from './add-method-routes.js';
import { requireCsrf } from './csrf.js';
import { manageRoutes } from './manage-routes.js';
import { methodRoutes } from './method-routes.js';
import { pageDispatcher } from './page-routes.js';
import type { Pages } from './pages.js';
import { removalRoutes } from './removal-routes.js';
import { NotFoundError } from '../errors.js';
import { sendError } from './respond.js';
import { securityHeaders } from './security-headers.js';
import { series } from './series.js';
import { endRevokedSessions } from './session-check.js';
import { setupRoutes } from './setup-routes.js';
import { verifyRoutes } from './verify-routes.js';

/** Body size accepted by the MFA forms; far above any honest form, far below a flood. */
const BODY_LIMIT = '16kb';

/**
 * Mounts every MFA page under basePath: the wizard's first page, the verify page, Security info
 * and every enabled method's own pages and assets. Needs express-session and passport.session()
 * before it. The push device API (`deviceApi`) authenticates by signature, not cookies, so it comes before CSRF.
 */
export function createRouter(pages: Pages, deviceApi: Router | null): Router {
  // The assets under one prefix: every other request passes them with a single path check.
  const assets = Router();
  // Cacheable (the pages' headers would make them no-store), but never sniffed as another type.
  assets.use((_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    next();
  });
  assets.use(express.static(join(packageRoot(), 'views', 'assets'), { index: false, fallthrough: true }));
  for (const method of pages.registry.methods) {
    for (const [name, file] of Object.entries(method.parts.assets ?? {})) {
      assets.get(`/${method.id}/${name}`, (_req, res, next) => res.sendFile(file, { headers: { 'Cache-Control': 'no-cache' } }, (err) => err && next(err)));
    }
  }
  assets.use((_req, res) => void res.status(404).type('text').send('Not Found'));
  const router = Router();
  router.use('/assets', assets);
  router.use(securityHeaders);
  // The device API reads its own JSON bodies, so that unreadable ones still get its JSON errors.
  if (deviceApi) router.use('/device', deviceApi);
  router.use(series(
    express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 20 }),
    express.json({ limit: BODY_LIMIT }),
    endRevokedSessions(pages),
    requireCsrf,
    pageDispatcher(setupRoutes(pages), addMethodRoutes(pages), verifyRoutes(pages), manageRoutes(pages), removalRoutes(pages), methodRoutes(pages)),
  ));
  // basePath belongs to this router: an unknown address gets the package's own styled page, not the host's bare 404.
  router.use((_req: Request, _res: Response, next: NextFunction) => next(new NotFoundError('There is no page at this address. Check the link, or start again from Security info.')));
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    void sendError(pages, req, res, error);
  });

  const mounted = Router();
  mounted.use(pages.options.basePath, router);
  return mounted;
}
