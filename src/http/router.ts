import express, { Router } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { join } from 'node:path';
import type { MfaContext } from '../context.js';
import { packageRoot } from '../package-root.js';
import { appPasswordRoutes } from './app-password-routes.js';
import { requireCsrf } from './csrf.js';
import { deviceRoutes } from './device-routes.js';
import { manageRoutes } from './manage-routes.js';
import { phoneSetupRoutes } from './phone-setup-routes.js';
import { phoneVerifyRoutes } from './phone-verify-routes.js';
import { pushSetupRoutes } from './push-setup-routes.js';
import { sendError } from './respond.js';
import { securityHeaders } from './security-headers.js';
import { setupRoutes } from './setup-routes.js';
import { verifyRoutes } from './verify-routes.js';

/** Body size accepted by the MFA forms; far above any honest form, far below a flood. */
const BODY_LIMIT = '16kb';

/** Mounts every MFA page under basePath. Needs express-session and passport.session() before it. */
export function createRouter(ctx: MfaContext): Router {
  const pages = Router();
  pages.use('/assets', express.static(join(packageRoot(), 'views', 'assets'), { index: false, fallthrough: false }));
  pages.use(securityHeaders);
  // The device API authenticates every request by its signature and carries no cookie: no CSRF.
  // It reads its own JSON bodies, so that unreadable ones still get its JSON errors.
  if (ctx.options.push.enabled) pages.use('/device', deviceRoutes(ctx));
  pages.use(express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 20 }));
  pages.use(express.json({ limit: BODY_LIMIT }));
  pages.use(requireCsrf);
  pages.use(setupRoutes(ctx));
  if (ctx.options.push.enabled) pages.use(pushSetupRoutes(ctx));
  pages.use(verifyRoutes(ctx));
  pages.use(manageRoutes(ctx));
  pages.use(phoneSetupRoutes(ctx));
  pages.use(phoneVerifyRoutes(ctx));
  pages.use(appPasswordRoutes(ctx));
  pages.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    void sendError(ctx, req, res, error);
  });

  const router = Router();
  router.use(ctx.options.basePath, pages);
  return router;
}
