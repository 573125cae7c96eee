/**
 * The app-passwords facet: passwords for non-browser clients over HTTP Basic, kept as HMACs.
 * Needed (with rate limits) by /mfa/setup/app-passwords and mfa.appPasswordStrategy; without
 * it the feature is hidden. Conventions: see ./core.ts.
 */
export interface AppPasswordStore {
  /**
   * ATOMIC. Delete this user's app passwords that expired at or before `limit.now`, then insert
   * `record` unless the user still has `limit.maxPerUser` or more. Returns false (nothing
   * inserted) at the limit: of 30 parallel calls with room for N, exactly N return true.
   * `id` and `hash` are unique; inserting an existing one throws.
   *
   * One transaction that holds the user's write lock before it counts (SQLite `BEGIN IMMEDIATE`;
   * PostgreSQL `SELECT pg_advisory_xact_lock(hashtext(:userId))` or a locked per-user row):
   * `DELETE … WHERE user_id = :userId AND expires_at <= :now;
   *  SELECT count(*) … WHERE user_id = :userId;  INSERT … (only when count < :maxPerUser)`.
   * Without the lock, parallel transactions all see room and overrun the limit.
   */
  create(record: AppPasswordRecord, limit: { maxPerUser: number; now: number }): Promise<boolean>;

  /** The app password with this HMAC, or null. One indexed lookup: it runs on every Basic request. */
  findByHash(hash: string): Promise<AppPasswordRecord | null>;

  /** All app passwords of a user (expired ones too), oldest first. */
  list(userId: string): Promise<AppPasswordRecord[]>;

  /** Record a use: set lastUsedAt to `now` (no-op for an unknown id). */
  touch(id: string, now: number): Promise<void>;

  /** Revoke (delete) one app password of this user. Returns false when there was none. */
  delete(userId: string, id: string): Promise<boolean>;

  /** Revoke (delete) every app password of this user. Returns how many were deleted. */
  deleteAll(userId: string): Promise<number>;
}

/** One app password: only its HMAC is stored, never the password. */
export interface AppPasswordRecord {
  /** Random, unguessable id (≥ 128 bits, base64url); not secret (used in revoke URLs). */
  id: string;
  userId: string;
  /** What the user called it, e.g. "Outlook on my laptop". */
  name: string;
  /** HMAC-SHA-256 of the password (base64url) under a key derived from secretKey. Unique. */
  hash: string;
  /** What the host lets it do; null means no restriction. JSON-serialisable. */
  scope: string[] | null;
  createdAt: number;
  /** Refused from this time on; null means it never expires. */
  expiresAt: number | null;
  lastUsedAt: number | null;
}
