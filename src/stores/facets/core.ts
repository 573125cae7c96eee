/**
 * The core facet: a user's factors, the replay guard of one-time codes, and the shared lockout.
 * Every store implements it; every other facet is optional (see ../mfa-store.ts).
 *
 * Contract shared by every facet: times are milliseconds since the epoch passed in by the caller
 * (stores never read the clock); records are handed out as copies; a backend failure throws
 * (createMfa() turns it into 503, so the second step is refused, never skipped). An operation
 * marked ATOMIC must hold for concurrent callers in this process and in every other process
 * sharing the database: it is one conditional statement (or one transaction that takes the
 * write lock before it reads), never a read in JavaScript followed by a write. The SQL shape
 * given beside each is the one the built-in SqliteStore runs and that a server database should use.
 */
export interface CoreStore {
  /** Persist a new factor. `id` is unique; inserting an existing id throws. */
  createFactor(factor: FactorRecord): Promise<void>;

  /** The factor with this id, or null. */
  getFactor(id: string): Promise<FactorRecord | null>;

  /** All factors of a user (confirmed and not), oldest first (ties in insertion order). */
  listFactors(userId: string): Promise<FactorRecord[]>;

  /**
   * ATOMIC. Mark an unconfirmed factor of this user as confirmed at `now`. Returns false when it
   * does not exist, belongs to someone else, or was already confirmed: of 30 parallel calls
   * exactly one returns true.
   *
   * `UPDATE factors SET confirmed_at = :now WHERE id = :id AND user_id = :userId AND confirmed_at IS NULL`
   * → true when one row changed.
   */
  confirmFactor(userId: string, id: string, now: number): Promise<boolean>;

  /** Delete one factor of this user. Returns false when there was none. */
  deleteFactor(userId: string, id: string): Promise<boolean>;

  /**
   * ATOMIC. Delete one factor of this user unless it is the last confirmed factor they have
   * (deleting it would turn the account back into password-only). Returns 'deleted',
   * 'not_found' (none of this user's), or 'last' (nothing deleted). Of parallel calls deleting
   * every confirmed factor of a user, all but one delete.
   *
   * `DELETE FROM factors WHERE id = :id AND user_id = :userId AND (confirmed_at IS NULL
   *  OR EXISTS (SELECT 1 FROM factors WHERE user_id = :userId AND id <> :id AND confirmed_at IS NOT NULL))`
   * is enough where writers are serialised (SQLite). Under PostgreSQL's READ COMMITTED two such
   * DELETEs would each still see the other's row: run it in a transaction that first takes a
   * per-user lock (`pg_advisory_xact_lock`, or `SELECT … FROM factors WHERE user_id = :userId FOR UPDATE`).
   */
  deleteFactorUnlessLast(userId: string, id: string): Promise<'deleted' | 'not_found' | 'last'>;

  /**
   * Rename a confirmed factor of this user (Security info's "Rename"). Returns false when there is none.
   *
   * `UPDATE factors SET label = :label WHERE id = :id AND user_id = :userId AND confirmed_at IS NOT NULL`
   */
  renameFactor(userId: string, id: string, label: string): Promise<boolean>;

  /**
   * Make a confirmed factor of this user their default (Security info's "Make default": the verify
   * page offers it first) by setting its preferredAt to `now`; the default is the factor with the
   * latest preferredAt. Returns false when there is none.
   *
   * `UPDATE factors SET preferred_at = :now WHERE id = :id AND user_id = :userId AND confirmed_at IS NOT NULL`
   */
  preferFactor(userId: string, id: string, now: number): Promise<boolean>;

  /**
   * Delete this user's unconfirmed factors created before `createdBefore` (all of them when
   * omitted): abandoned enrollments. Returns how many were deleted.
   */
  deleteUnconfirmedFactors(userId: string, createdBefore?: number): Promise<number>;

  /**
   * ATOMIC. Accept time step (or HOTP counter) `step` for this factor only if it is strictly
   * greater than the last accepted one (or none was accepted yet); on success record it as the
   * last accepted step and `now` as lastUsedAt. Returns whether the step was accepted. This is
   * the replay protection of one-time passwords: of 30 parallel calls with one step, exactly one
   * returns true, and a rejected step does not count as a use.
   *
   * `UPDATE factors SET last_step = :step, last_used_at = :now
   *  WHERE id = :id AND (last_step IS NULL OR last_step < :step)` → true when one row changed.
   */
  consumeTimeStep(factorId: string, step: number, now: number): Promise<boolean>;

  /** Current failure counter and lock of a user's second step (NO_LOCKOUT when never failed). */
  getLockout(userId: string): Promise<LockoutState>;

  /**
   * ATOMIC. Count one more consecutive failure for this user and apply `policy` as
   * nextLockout() does: every `threshold`-th consecutive failure locks until `now + lockMs`;
   * reaching `hardLimit` locks with `lockedUntil = null` and `hardLocked = true` until
   * resetFailures(). Returns the state after counting: of 30 parallel calls none is lost and
   * each sees a distinct count.
   *
   * One upsert that computes the next state from the row it updates:
   * `INSERT INTO lockouts (user_id, failures, locked_until, hard_locked) VALUES (:userId, 1, …)
   *  ON CONFLICT (user_id) DO UPDATE SET failures = lockouts.failures + 1,
   *    locked_until = CASE WHEN lockouts.failures + 1 >= :hardLimit THEN NULL
   *                        WHEN (lockouts.failures + 1) % :threshold = 0 THEN :now + :lockMs
   *                        ELSE lockouts.locked_until END,
   *    hard_locked = lockouts.hard_locked OR lockouts.failures + 1 >= :hardLimit
   *  RETURNING failures, locked_until, hard_locked`;
   * or a transaction that write-locks the row before reading it (SQLite `BEGIN IMMEDIATE`,
   * PostgreSQL `SELECT … FOR UPDATE`), then writes nextLockout() of what it read.
   */
  recordFailure(userId: string, policy: FailurePolicy): Promise<LockoutState>;

  /** Forget the failure counter and any lock (after a success, or by an administrator). */
  resetFailures(userId: string): Promise<void>;
}

/** One enrolled (or being enrolled) second factor of a user. */
export interface FactorRecord {
  /** Random, unguessable id (≥ 128 bits, base64url). */
  id: string;
  userId: string;
  /** Method name: 'totp', 'push', 'phone', …; each method names its own. */
  type: string;
  /** Human-readable name shown on the management page. */
  label: string;
  /** Secret material sealed by SecretBox (never plaintext), or null for methods without one. */
  sealedSecret: string | null;
  /** Method-specific, non-secret settings (e.g. TOTP digits/period/algorithm). JSON-serialisable. */
  data: Record<string, unknown>;
  createdAt: number;
  /** When the user proved possession; null while the enrollment is unfinished. */
  confirmedAt: number | null;
  lastUsedAt: number | null;
  /** Highest accepted time step / counter (replay protection), null before the first use. */
  lastStep: number | null;
  /** When the user made it their default (preferFactor); absent (or null) when never: stores may omit it. */
  preferredAt?: number | null;
}

export interface LockoutState {
  /** Consecutive failures since the last success or reset. */
  failures: number;
  /** Locked while `now < lockedUntil`; null when not time-locked. */
  lockedUntil: number | null;
  /** Locked until an administrator resets it (the NIST 800-63B cap was reached). */
  hardLocked: boolean;
}

export interface FailurePolicy {
  now: number;
  /** Lock after every this-many consecutive failures. */
  threshold: number;
  /** How long each lock lasts, in ms. */
  lockMs: number;
  /** Consecutive failures after which the lock no longer expires (≤ 100 per NIST 800-63B). */
  hardLimit: number;
}

/** The lock state that results from counting one more failure; for stores that compute it in code. */
export function nextLockout(previous: LockoutState, policy: FailurePolicy): LockoutState {
  const failures = previous.failures + 1;
  if (failures >= policy.hardLimit) return { failures, lockedUntil: null, hardLocked: true };
  const lockedUntil = failures % policy.threshold === 0 ? policy.now + policy.lockMs : previous.lockedUntil;
  return { failures, lockedUntil, hardLocked: previous.hardLocked };
}

export const NO_LOCKOUT: LockoutState = Object.freeze({ failures: 0, lockedUntil: null, hardLocked: false });
