/**
 * The phone-codes facet: the live SMS/voice code of a backup phone, kept as a keyed hash only.
 * Needed (with rate limits) when createMfa() gets an `sms` transport. Conventions: see ./core.ts.
 */
export interface PhoneCodeStore {
  /**
   * ATOMIC. Keep `record` as the one live code of (userId, purpose), replacing any previous one:
   * a resend invalidates the code sent before it.
   *
   * `INSERT INTO phone_codes (…) VALUES (…) ON CONFLICT (user_id, purpose) DO UPDATE SET
   *  code_hash = excluded.code_hash, created_at = excluded.created_at, expires_at = excluded.expires_at`
   */
  put(record: PhoneCodeRecord): Promise<void>;

  /**
   * ATOMIC. If the live code of (userId, purpose) has this `codeHash` and `now < expiresAt`,
   * delete it and return true; otherwise change nothing and return false. Of 30 parallel calls
   * with the right hash, exactly one returns true.
   *
   * `DELETE FROM phone_codes WHERE user_id = :userId AND purpose = :purpose
   *  AND code_hash = :codeHash AND expires_at > :now` → true when one row was deleted.
   * (Comparing the hash in SQL leaks nothing useful: it is keyed, an attacker cannot compute it.)
   */
  consume(userId: string, purpose: string, codeHash: string, now: number): Promise<boolean>;
}

/** A phone code that was sent: only its keyed hash is kept. */
export interface PhoneCodeRecord {
  userId: string;
  /** What the code is for: 'enroll' (proving a new number) or 'signin'. */
  purpose: string;
  /** Keyed hash of the code, bound to user, purpose and destination number. */
  codeHash: string;
  createdAt: number;
  expiresAt: number;
}
