import type { Request } from 'express';
import type { CompletedFactor } from './session-state.js';

/**
 * Marks the session as having passed the second step. The session id is regenerated first
 * (req.login does that, and drops everything the session held), so a session id fixed or
 * observed before this step is worthless afterwards; only the user, the completed factor and
 * where to go next survive. express-session writes the regenerated session once, before the
 * response ends (an explicit save too would write it twice).
 */
export async function completeSecondFactor(req: Request, user: Express.User, completed: CompletedFactor, returnTo: string): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    req.login(user, { session: true, keepSessionInfo: false }, (err?: unknown) => (err ? reject(err) : resolve())),
  );
  req.session.mfa = { completed, returnTo };
}
