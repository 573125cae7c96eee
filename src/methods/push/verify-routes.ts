import { LockedOutError, MfaError, RateLimitedError } from '../../errors.js';
import type { FactorRecord } from '../../stores/facets/core.js';
import type { AttemptRunner } from '../attempt.js';
import type { MethodPage, MethodRoute } from '../page.js';
import { signInContext } from './request-context.js';
import { streamPushResult } from './result-stream.js';
import { completeRoute } from './setup-routes.js';
import type { PushPageDeps } from './setup-routes.js';
import { renderPushWait, rememberChallenge, sessionChallenge } from './wait-page.js';

export interface PushSignInDeps extends PushPageDeps {
  attempts: AttemptRunner;
}

/** Sign-in with a notification: "Contact me", wait for the answer, then complete. */
export function pushVerifyRoutes(deps: PushSignInDeps): MethodRoute[] {
  return [
    {
      method: 'POST',
      path: '/verify/push/send',
      access: 'sign-in',
      async handle(page) {
        if (await sendSignInNotification(deps, page, await deps.push.readyFactors(page.userId))) await page.goTo('/verify/push');
      },
    },
    {
      method: 'GET',
      path: '/verify/push',
      access: 'sign-in',
      async handle(page) {
        const challenge = await sessionChallenge(deps, page);
        if (!challenge) return page.goTo('/verify');
        await renderPushWait(deps, page, 'verify', { challenge });
      },
    },
    completeRoute(deps, 'verify'),
    {
      method: 'GET',
      path: '/verify/push/events',
      access: 'user',
      async handle(page) {
        const challenge = await sessionChallenge(deps, page);
        // 204 tells EventSource not to reconnect: there is nothing to wait for.
        if (!challenge) return page.noContent();
        await page.eventStream((stream) => streamPushResult({ store: deps.store, settings: deps.push.settings, clock: deps.clock }, stream, challenge.id));
      },
    },
  ];
}

/**
 * Sends a sign-in notification to all of the user's ready devices (`ready`) and remembers it in
 * the pending sign-in. When none is ready, or the budget, a pause or a lockout forbids it, shows
 * the verify page (which offers the codes) with the reason and returns false.
 */
export async function sendSignInNotification(deps: PushSignInDeps, page: MethodPage, ready: readonly FactorRecord[]): Promise<boolean> {
  if (ready.length === 0) {
    await page.renderSignIn(new MfaError(409, 'push_no_device', 'No app is set up for notifications. Enter a verification code instead.'));
    return false;
  }
  try {
    // A locked account cannot complete a sign-in, so it gets no notifications either.
    await deps.attempts.assertNotLocked(page.userId);
    rememberChallenge(page, await deps.push.send(page.userId, null, signInContext(page)));
    return true;
  } catch (error) {
    if (!(error instanceof RateLimitedError || error instanceof LockedOutError)) throw error;
    await page.renderSignIn(error);
    return false;
  }
}
