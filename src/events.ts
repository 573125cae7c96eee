/** Audit events passed to the host's `onEvent` hook. */
export interface MfaEvent {
  type:
    | 'factor.enrolled'
    | 'factor.removed'
    | 'factor.renamed'
    | 'factor.made_default'
    | 'sessions.revoked'
    | 'session.ended'
    | 'second_factor.succeeded'
    | 'second_factor.failed'
    | 'second_factor.locked_out'
    | 'store.unavailable'
    | 'phone.code_sent'
    | 'phone.send_failed'
    | 'phone.added'
    | 'phone.changed'
    | 'phone.removed'
    | 'app_password.created'
    | 'app_password.revoked'
    | 'app_password.succeeded'
    | 'app_password.failed'
    | 'app_password.rate_limited'
    | 'push.device_activated'
    | 'push.activation_failed'
    | 'push.challenge_sent'
    | 'push.challenge_answered'
    | 'push.budget_exhausted'
    | 'push.fraud_reported'
    | 'push.pin_failed'
    | 'push.device_disabled'
    | 'push.webpush_failed';
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
