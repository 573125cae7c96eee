import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { MfaContext } from '../context.js';
import { isEnrolled, livePending, requestedPath, goToPage } from './flow.js';
import { sendError } from './respond.js';
import { completedFor } from './session-state.js';

/**
 * Guards host routes: a request whose user passed the first factor but not the second on this
 * session is sent to verification (enrolled) or setup (not enrolled), remembering where it was
 * going. Scripts get 401 JSON instead of a redirect. A request with no user is left to the
 * host's own login guard. A store failure answers 503: the route is never let through.
 */
export function createGuard(ctx: MfaContext): () => RequestHandler {
  return () =>
    async function requireSecondFactor(req: Request, res: Response, next: NextFunction): Promise<void> {
      if (!req.user) return next();
      try {
        const userId = ctx.options.getUserId(req.user);
        if (completedFor(req, userId)) return next();
        await livePending(ctx, req, userId, requestedPath(ctx, req));
        const enrolled = await isEnrolled(ctx, userId);
        await goToPage(ctx, req, res, enrolled ? '/verify' : '/setup', 401, 'mfa_required');
      } catch (error) {
        await sendError(ctx, req, res, error);
      }
    };
}
