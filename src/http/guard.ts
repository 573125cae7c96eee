import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { resolveStepUp, unmetRequirement } from '../policy/step-up.js';
import type { StepUpOptions } from '../policy/step-up.js';
import { isEnrolled } from '../second-step/is-enrolled.js';
import { livePending, requestedPath, goToPage } from './flow.js';
import type { Pages } from './pages.js';
import { sendError } from './respond.js';
import { currentCompleted } from './session-check.js';
import { stepUp } from './step-up.js';

/**
 * Guards host routes: a request whose user passed the first factor but not the second on this
 * session is sent to verification (enrolled) or setup (not enrolled), remembering where it was
 * going; a session that was revoked is ended (sign-in page); one whose step is too old or not
 * phishing-resistant enough for `stepUpOptions` verifies again and comes back. Scripts get 401
 * JSON instead of a redirect. A request with no user is left to the host's own login guard. A
 * store failure answers 503: the route is never let through.
 */
export function createGuard(pages: Pick<Pages, 'options' | 'store' | 'views' | 'sessions' | 'emit'>): (stepUpOptions?: StepUpOptions) => RequestHandler {
  const { options, store } = pages;
  return (stepUpOptions) => {
    const requirement = resolveStepUp(stepUpOptions);
    return async function requireSecondFactor(req: Request, res: Response, next: NextFunction): Promise<void> {
      if (!req.user) return next();
      try {
        const completed = await currentCompleted(pages, req);
        if (completed) {
          const unmet = unmetRequirement(requirement, completed, options.clock());
          if (unmet === null) return next();
          return await stepUp(options, req, res, completed.userId, requirement, unmet);
        }
        const userId = options.getUserId(req.user);
        await livePending(options, req, userId, requestedPath(options, req));
        const enrolled = await isEnrolled(store, userId);
        await goToPage(options, req, res, enrolled ? '/verify' : '/setup', 401, 'mfa_required');
      } catch (error) {
        await sendError(pages, req, res, error);
      }
    };
  };
}
