import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isPlain, resolveStepUp, unmetRequirement } from '../policy/step-up.js';
import type { StepUpOptions } from '../policy/step-up.js';
import { isEnrolled } from '../second-step/is-enrolled.js';
import { completedFor } from '../second-step/session-state.js';
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
  const { options, store, sessions } = pages;
  return (stepUpOptions) => {
    const requirement = resolveStepUp(stepUpOptions);
    const plain = isPlain(requirement);
    /** A session that completed the step, current by what this instance holds, meeting the requirement: no promise, no store read. */
    const passes = (req: Request): boolean => {
      const completed = completedFor(req, options.getUserId(req.user!));
      return completed !== null && sessions.held(completed.userId, completed) === true && (plain || unmetRequirement(requirement, completed, options.clock()) === null);
    };
    const decide = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const completed = await currentCompleted(pages, req);
      if (completed) {
        const unmet = unmetRequirement(requirement, completed, options.clock());
        if (unmet === null) return next();
        return stepUp(options, req, res, completed.userId, requirement, unmet);
      }
      const userId = options.getUserId(req.user!);
      await livePending(options, req, userId, requestedPath(options, req));
      const enrolled = await isEnrolled(store, userId);
      await goToPage(options, req, res, enrolled ? '/verify' : '/setup', 401, 'mfa_required');
    };
    return function requireSecondFactor(req: Request, res: Response, next: NextFunction): void {
      if (!req.user) return next();
      try {
        if (passes(req)) return next();
      } catch {
        // The slow path meets the same error and answers it.
      }
      decide(req, res, next).catch((error: unknown) => sendError(pages, req, res, error));
    };
  };
}
