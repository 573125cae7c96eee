/**
 * The recovery-codes facet: a user's single-use recovery codes, kept only as HMAC digests.
 * Needed by the recovery-code method. Conventions (times, copies, ATOMIC): see ./core.ts.
 */
export interface RecoveryCodeStore {
  /**
   * ATOMIC. Make `digests` the user's whole set: every earlier code stops working in the same
   * step the new ones start (an empty array leaves the user none). Digests must be distinct; a
   * repeated one throws and changes nothing. Of 30 parallel replacements, the set left is
   * exactly one of them, never a mix.
   *
   * One transaction: `DELETE FROM recovery_codes WHERE user_id = :userId;
   *  INSERT INTO recovery_codes (user_id, digest) VALUES (:userId, :d1), (:userId, :d2), …`
   * (primary key (user_id, digest)); a failure rolls the whole of it back.
   */
  replace(userId: string, digests: readonly string[]): Promise<void>;

  /**
   * ATOMIC. Use up the user's code with this digest: delete it and return true, or return false
   * when the user has no such (unused) code. Of 30 parallel uses of one code exactly one succeeds.
   *
   * `DELETE FROM recovery_codes WHERE user_id = :userId AND digest = :digest` → one row deleted.
   */
  consume(userId: string, digest: string): Promise<boolean>;

  /** How many unused codes the user has left (0 when none were ever made). */
  countRemaining(userId: string): Promise<number>;
}
