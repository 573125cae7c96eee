import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isEnrolled } from '../second-step/is-enrolled.js';
import { completedFor } from '../second-step/session-state.js';
import { livePending, requestedPath, goToPage } from './flow.js';
import type { Pages } from './pages.js';
import { sendError } from './respond.js';

/**
 * Guards host routes: a request whose user passed the first factor but not the second on this
 * session is sent to verification (enrolled) or setup (not enrolled), remembering where it was
 * going. Scripts get 401 JSON instead of a redirect. A request with no user is left to the
 * host's own login guard. A store failure answers 503: the route is never let through.
 */
export function createGuard(pages: Pick<Pages, 'options' | 'store' | 'views'>): () => RequestHandler {
  const { options, store } = pages;
  return () =>
    async function requireSecondFactor(req: Request, res: Response, next: NextFunction): Promise<void> {
      if (!req.user) return next();
      try {
        const userId = options.getUserId(req.user);
        if (completedFor(req, userId)) return next();
        await livePending(options, req, userId, requestedPath(options, req));
        const enrolled = await isEnrolled(store, userId);
        await goToPage(options, req, res, enrolled ? '/verify' : '/setup', 401, 'mfa_required');
      } catch (error) {
        await sendError(pages, req, res, error);
      }
    };
}
