/** Audit events passed to the host's `onEvent` hook. */
export interface MfaEvent {
  type:
    | 'factor.enrolled'
    | 'factor.removed'
    | 'second_factor.succeeded'
    | 'second_factor.failed'
    | 'second_factor.locked_out'
    | 'store.unavailable'
    | 'phone.code_sent'
    | 'phone.send_failed'
    | 'phone.added'
    | 'phone.changed'
    | 'phone.removed';
  userId: string | null;
  at: number;
  ip?: string | undefined;
  factorId?: string | undefined;
  method?: string | undefined;
  /** Why it failed (invalid_code, replayed, code_malformed, ...). */
  reason?: string | undefined;
}
