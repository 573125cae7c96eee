/**
 * Every audit event type, as the keys of an interface so that a method can add its own with
 * declaration merging (`declare module '../../events.js' { interface MfaEventTypes { 'x.y': true } }`),
 * and add fields to MfaEvent the same way.
 */
export interface MfaEventTypes {
  'factor.enrolled': true;
  'factor.removed': true;
  'factor.renamed': true;
  'factor.made_default': true;
  'sessions.revoked': true;
  'session.ended': true;
  'second_factor.succeeded': true;
  'second_factor.failed': true;
  'second_factor.locked_out': true;
  'store.unavailable': true;
  'phone.code_sent': true;
  'phone.send_failed': true;
  'phone.added': true;
  'phone.changed': true;
  'phone.removed': true;
  'app_password.created': true;
  'app_password.revoked': true;
  'app_password.succeeded': true;
  'app_password.failed': true;
  'app_password.rate_limited': true;
  'push.device_activated': true;
  'push.activation_failed': true;
  'push.challenge_sent': true;
  'push.challenge_answered': true;
  'push.budget_exhausted': true;
  'push.fraud_reported': true;
  'push.pin_failed': true;
  'push.device_disabled': true;
  'push.webpush_failed': true;
  'wakeup.disconnected': true;
  'wakeup.reconnected': true;
}

/** Audit events passed to the host's `onEvent` hook. */
export interface MfaEvent {
  type: keyof MfaEventTypes;
  userId: string | null;
  at: number;
  ip?: string | undefined;
  factorId?: string | undefined;
  method?: string | undefined;
  /** Push: the challenge concerned. */
  challengeId?: string | undefined;
  /** Push: approve, deny, fraud, or number_mismatch. */
  decision?: string | undefined;
  /**
   * Why it failed (invalid_code, replayed, code_malformed, ...); why sessions were revoked
   * (sign_out_everywhere, fraud_report, factors_reset, password_reset, admin); why one ended (revoked).
   */
  reason?: string | undefined;
  /** The app password concerned (app_password.* events). */
  appPasswordId?: string | undefined;
}

/** Reports one audit event; the time is added by createMfa(). */
export type Emit = (event: Omit<MfaEvent, 'at'>) => void;
