import type { Request } from 'express';
import type { CompletedFactor } from './session-state.js';

/**
 * Marks the session as having passed the second step. The session id is regenerated first and
 * everything the session held is dropped, so a session id fixed or observed before this step is
 * worthless afterwards; only the user's Passport record, the completed factor and where to go
 * next survive. express-session writes the new session once, before the response ends.
 *
 * req.login() would regenerate too, but it saves the new session itself and express-session then
 * saves it again (its id changed): two writes to the session store per sign-in. So the Passport
 * record the first factor left in the session (`req.session.passport`, from which this request's
 * user was read) is carried over instead. A session without one, whose user came from elsewhere,
 * goes through req.login() to get one.
 */
export async function completeSecondFactor(req: Request, user: Express.User, completed: CompletedFactor, returnTo: string): Promise<void> {
  const firstFactor = (req.session as { passport?: unknown }).passport;
  if (firstFactor === undefined) {
    await new Promise<void>((resolve, reject) =>
      req.login(user, { session: true, keepSessionInfo: false }, (err?: unknown) => (err ? reject(err) : resolve())),
    );
  } else {
    await new Promise<void>((resolve, reject) => req.session.regenerate((err?: unknown) => (err ? reject(err) : resolve())));
    (req.session as { passport?: unknown }).passport = firstFactor;
  }
  req.session.mfa = { completed, returnTo };
}
