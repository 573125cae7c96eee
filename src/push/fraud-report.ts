import type { PushChallengeContext } from '../stores/push-records.js';

/** What the host's `onFraudReport` hook receives when a user answers "This wasn't me". */
export interface FraudReport {
  userId: string;
  challengeId: string;
  /** The device that reported it. */
  deviceId: string;
  /** When it was reported (ms since the epoch). */
  at: number;
  /** The sign-in attempt the user did not recognise. */
  context: PushChallengeContext;
  /** Notifications for this user are blocked until then. */
  blockedUntil: number;
}
