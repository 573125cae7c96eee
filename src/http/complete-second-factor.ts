import type { Request } from 'express';
import type { MfaContext } from '../context.js';
import { saveSession, sessionState } from './session-state.js';

/**
 * Marks the session as having passed the second step. The session id is regenerated first
 * (passport's req.login does that), so a session id fixed or observed before this step is
 * worthless afterwards; only the user, the completed factor and where to go next survive.
 */
export async function completeSecondFactor(
  ctx: MfaContext,
  req: Request,
  user: Express.User,
  factor: { factorId: string; method: string },
): Promise<string> {
  const returnTo = sessionState(req).pending?.returnTo ?? ctx.options.defaultReturnTo;
  await new Promise<void>((resolve, reject) =>
    req.login(user, { session: true, keepSessionInfo: false }, (err?: unknown) => (err ? reject(err) : resolve())),
  );
  req.session.mfa = {
    completed: { userId: ctx.options.getUserId(user), factorId: factor.factorId, method: factor.method, at: ctx.options.clock() },
    returnTo,
  };
  await saveSession(req);
  return returnTo;
}
