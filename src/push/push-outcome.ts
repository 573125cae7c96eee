import type { PushChallengeRecord } from '../stores/push-records.js';

/** What a waiting browser is told about a challenge (docs/push-protocol.md §7). */
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
