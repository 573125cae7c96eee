import { pushOutcome } from '../../push/push-outcome.js';
import type { PushEventStatus } from '../../push/push-outcome.js';
import type { ResolvedPushOptions } from '../../push/push-options.js';
import { challengeTopic } from '../../push/wakeup.js';
import { pollDelayMs } from '../../transports/wakeup.js';
import type { CompleteStore } from '../../stores/guarded-store.js';
import type { EventStream } from '../page.js';

const HEARTBEAT_MS = 20_000;

export interface ResultStreamDeps {
  store: CompleteStore;
  settings: ResolvedPushOptions;
  clock: () => number;
}

/**
 * The session-bound result stream of the waiting page: one `result` event as soon as the device
 * answers (woken through the wake-up transport, no polling delay) or the challenge expires, then
 * the end. The store is also re-read every `push.pollIntervalMs`, in case a wake-up never comes.
 */
export async function streamPushResult(deps: ResultStreamDeps, stream: EventStream, challengeId: string): Promise<void> {
  stream.write(': waiting\n\n');
  // Proxies drop connections that stay silent; a comment line every 20 s keeps this one open.
  const heartbeat = setInterval(() => stream.write(': waiting\n\n'), HEARTBEAT_MS);
  try {
    const status = await waitForResult(deps, challengeId, stream);
    if (status !== null && !stream.closed) stream.write(`event: result\ndata: ${JSON.stringify({ status })}\n\n`);
  } finally {
    clearInterval(heartbeat);
  }
}

async function waitForResult(deps: ResultStreamDeps, challengeId: string, stream: EventStream): Promise<PushEventStatus | null> {
  const { store, settings, clock } = deps;
  let signal = (): void => {};
  let gone = false;
  const unsubscribe = settings.wakeup.subscribe(challengeTopic(challengeId), () => signal());
  const stopListening = stream.onClose(() => {
    gone = true;
    signal();
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      const woken = new Promise<void>((resolve) => (signal = resolve));
      const challenge = await store.push.getChallenge(challengeId);
      const now = clock();
      const status = pushOutcome(challenge, now);
      if (status) return status;
      if (gone) return null;
      const left = challenge!.expiresAt - now;
      clearTimeout(timer);
      timer = setTimeout(() => signal(), Math.min(left + 50, pollDelayMs(settings.wakeup, settings.pollIntervalMs)));
      await woken;
    }
  } finally {
    clearTimeout(timer);
    unsubscribe();
    stopListening();
  }
}
