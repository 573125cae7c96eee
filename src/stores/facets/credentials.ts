/**
 * The credentials facet: a user's WebAuthn credentials (security keys and passkeys). Needed by
 * the security-key method. Conventions (times, copies, ATOMIC): see ./core.ts.
 */
export interface CredentialStore {
  /**
   * ATOMIC. Persist a newly registered credential unless its `credentialId` is already
   * registered (to this or any other user): then store nothing and return false, since one
   * authenticator's credential must never stand for two accounts. A duplicate `id` throws.
   * Of 30 parallel calls registering one credentialId, exactly one returns true.
   *
   * `INSERT INTO credentials (…) VALUES (…) ON CONFLICT (credential_id) DO NOTHING`
   * → true when one row was inserted (`credential_id` has a UNIQUE constraint).
   */
  create(credential: CredentialRecord): Promise<boolean>;

  /** The credential with this WebAuthn credential id (base64url), whoever owns it, or null. One indexed lookup. */
  findByCredentialId(credentialId: string): Promise<CredentialRecord | null>;

  /** All credentials of a user, oldest first. */
  list(userId: string): Promise<CredentialRecord[]>;

  /**
   * ATOMIC. Accept a use that reported signature counter `counter`: only if `counter` is greater
   * than the stored one, or both are 0 (authenticators without a counter, e.g. most passkeys,
   * always report 0), set the stored counter to it and lastUsedAt = now. Returns whether the use
   * was accepted; a refused one (a counter that did not grow: a possibly cloned authenticator)
   * changes nothing. Of 30 parallel uses reporting the same counter > 0, exactly one is accepted.
   *
   * `UPDATE credentials SET counter = :counter, last_used_at = :now
   *  WHERE id = :id AND (counter < :counter OR (counter = 0 AND :counter = 0))` → one row changed.
   */
  acceptUse(id: string, counter: number, now: number): Promise<boolean>;

  /** Rename one credential of this user. Returns false when this user has no such credential. */
  rename(userId: string, id: string, name: string): Promise<boolean>;

  /** Delete one credential of this user. Returns false when this user has no such credential. */
  delete(userId: string, id: string): Promise<boolean>;
}

/** One WebAuthn credential (a security key or a passkey) registered by a user. */
export interface CredentialRecord {
  /** Random, unguessable id (≥ 128 bits, base64url) used in rename/delete URLs. */
  id: string;
  userId: string;
  /** The authenticator's credential id, base64url. Unique across all users. */
  credentialId: string;
  /** The COSE-encoded public key, as registration returned it. Handed out as a plain Uint8Array. */
  publicKey: Uint8Array;
  /** The signature counter of the last accepted use (0 for authenticators without one). */
  counter: number;
  /** How the browser can reach it ('usb', 'nfc', 'ble', 'internal', 'hybrid', …), as registration reported. */
  transports: string[];
  /** What the user called it, e.g. "YubiKey on my keyring". */
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}
