import { mintStreamToken } from '../../push/stream-token.js';
import type { PushChallengeRecord } from '../../stores/push-records.js';
import type { CompleteStore } from '../../stores/guarded-store.js';
import type { MethodPage } from '../page.js';
import { endedMessage } from './push-check.js';
import type { PushMethod } from './push-method.js';

/** The push method's state in the pending sign-in (or setup): the notification it waits on. */
export interface PushState {
  challengeId: string;
}

export interface WaitPageDeps {
  store: CompleteStore;
  /** Whether notifications are paused (the waiting page then offers codes, not another notification). */
  push: Pick<PushMethod, 'budget'>;
  clock: () => number;
  /** MAC key of the result-stream tokens (see push/stream-token.ts). */
  streamTokenKey: Buffer;
}

/** Where the waiting page's forms go: the setup flow or the sign-in flow (paths under basePath). */
const FLOWS = {
  setup: { complete: '/setup/push/wait', resend: '/setup/push/contact', otp: '/setup' },
  // The verify page with codes as its main action, so that a notification is not what it offers first.
  verify: { complete: '/verify/push', resend: '/verify/push/send', otp: '/verify?use=totp' },
} as const;

/** The notification this session is waiting on, if it is the signed-in user's own and the sign-in is live. */
export async function sessionChallenge(deps: WaitPageDeps, page: MethodPage): Promise<PushChallengeRecord | null> {
  const state = page.pendingState<PushState>();
  if (!state) return null;
  const challenge = await deps.store.push.getChallenge(state.challengeId);
  return challenge && challenge.userId === page.userId ? challenge : null;
}

export function rememberChallenge(page: MethodPage, challenge: PushChallengeRecord): void {
  page.setPendingState({ challengeId: challenge.id } satisfies PushState);
}

/**
 * "Approve sign-in request": the number to type in the app while waiting, or (with `outcome`)
 * why the notification did not go through, with a way to send another or use a code.
 */
export async function renderPushWait(
  deps: WaitPageDeps,
  page: MethodPage,
  flow: keyof typeof FLOWS,
  p: { challenge: PushChallengeRecord | null; error?: string | null; outcome?: string | null; notYet?: boolean; status?: number },
): Promise<void> {
  const waiting = p.challenge !== null && !p.outcome && p.challenge.status === 'pending' && deps.clock() < p.challenge.expiresAt;
  const paths = FLOWS[flow];
  // Said again on a reload, from the store: why the last notification ended, and any pause in force.
  const outcome = p.outcome ?? (p.challenge && !waiting ? endedMessage(p.challenge, deps.clock()) : null);
  const pause = waiting ? null : await deps.push.budget.pause(page.userId);
  await page.render('push-wait', {
    title: 'Approve sign-in request',
    error: p.error ?? null,
    // "I approved it" pressed before the phone answered: nothing went wrong, the page keeps waiting.
    notYet: waiting && p.notYet === true ? 'Approve the request in the app, then select “I approved it” again.' : null,
    // The pause after a report says it all; the report's own sentence would only repeat it.
    outcome: pause && p.challenge?.status === 'fraud' ? null : outcome,
    paused: pause && { until: new Date(pause.until).toISOString(), reason: pause.reason },
    number: waiting ? p.challenge!.number : null,
    eventsPath: page.url('/verify/push/events'),
    // The session-free capability stream served by mfa.streams (the script falls back to eventsPath).
    streamPath: waiting ? page.url(`/push-events/${mintStreamToken(deps.streamTokenKey, p.challenge!.id, p.challenge!.expiresAt)}`) : null,
    paths: { complete: page.url(paths.complete), resend: page.url(paths.resend), otp: page.url(paths.otp) },
  }, p.status ?? 200);
}
