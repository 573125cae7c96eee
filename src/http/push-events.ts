import type { Response } from 'express';
import type { MfaContext } from '../context.js';
import { challengeTopic } from '../push/wakeup.js';
import type { PushChallengeRecord } from '../stores/push-records.js';

const HEARTBEAT_MS = 20_000;

export type PushEventStatus = 'approved' | 'denied' | 'reported' | 'failed' | 'expired';

const STATUS: Record<Exclude<PushChallengeRecord['status'], 'pending'>, PushEventStatus> = {
  approved: 'approved',
  denied: 'denied',
  fraud: 'reported',
  failed: 'failed',
};

/** The result a waiting browser gets for `challenge` at `now`; null while it is still pending. */
export function pushOutcome(challenge: PushChallengeRecord | null, now: number): PushEventStatus | null {
  if (!challenge) return 'expired';
  if (challenge.status !== 'pending') return STATUS[challenge.status];
  return challenge.expiresAt <= now ? 'expired' : null;
}

/**
 * Server-Sent Events for the waiting browser: one `result` event as soon as the device answers
 * (woken through PushWakeup, no polling delay) or the challenge expires, then the stream ends.
 */
export async function streamPushResult(ctx: MfaContext, res: Response, challengeId: string): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.write(': waiting\n\n');
  // Proxies drop connections that stay silent; a comment line every 20 s keeps this one open.
  const heartbeat = setInterval(() => res.write(': waiting\n\n'), HEARTBEAT_MS);
  try {
    const status = await waitForResult(ctx, challengeId, res);
    if (status !== null && !res.destroyed) res.write(`event: result\ndata: ${JSON.stringify({ status })}\n\n`);
  } finally {
    // Also after a store failure: the headers are sent, so ending the stream is the only answer left.
    clearInterval(heartbeat);
    if (!res.writableEnded) res.end();
  }
}

async function waitForResult(ctx: MfaContext, challengeId: string, res: Response): Promise<PushEventStatus | null> {
  let signal = (): void => {};
  let gone = false;
  const leave = (): void => {
    gone = true;
    signal();
  };
  const unsubscribe = ctx.options.push.wakeup.subscribe(challengeTopic(challengeId), () => signal());
  res.once('close', leave);
  let timer: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      const woken = new Promise<void>((resolve) => (signal = resolve));
      const challenge = await ctx.store.push.getChallenge(challengeId);
      const now = ctx.options.clock();
      const status = pushOutcome(challenge, now);
      if (status) return status;
      if (gone) return null;
      const left = challenge!.expiresAt - now;
      clearTimeout(timer);
      timer = setTimeout(() => signal(), Math.min(left, ctx.options.push.challengeTtlMs) + 50);
      await woken;
    }
  } finally {
    clearTimeout(timer);
    unsubscribe();
    res.off('close', leave);
  }
}
