/**
 * The MfaStore contract: everything passport-mfa persists goes through these methods.
 *
 * Every method is REQUIRED unless marked optional. All times are milliseconds since the epoch,
 * passed in by the caller (stores never read the clock), so tests run on a fake clock.
 *
 * Atomicity is part of the contract, not an optimisation: the methods marked "atomic" must hold
 * under concurrent callers in this process AND in other processes sharing the same backing
 * database. The conformance suite (test/support/store-suite.ts) fires 30 parallel calls at each
 * of them and expects exactly one winner.
 *
 * A store throws on any backend failure (connection lost, disk full, closed); createMfa() turns
 * such throws into 503 StoreUnavailableError so the second step is refused, never skipped.
 */
export interface MfaStore {
  /** Persist a new factor. `id` is unique; inserting an existing id throws. */
  createFactor(factor: FactorRecord): Promise<void>;

  /** The factor with this id, or null. */
  getFactor(id: string): Promise<FactorRecord | null>;

  /** All factors of a user (confirmed and not), oldest first. */
  listFactors(userId: string): Promise<FactorRecord[]>;

  /**
   * Atomic. Mark an unconfirmed factor of this user as confirmed at `now`.
   * Returns false when it does not exist, belongs to someone else, or was already confirmed.
   */
  confirmFactor(userId: string, id: string, now: number): Promise<boolean>;

  /** Delete one factor of this user. Returns false when there was none. */
  deleteFactor(userId: string, id: string): Promise<boolean>;

  /**
   * Delete this user's unconfirmed factors created before `createdBefore` (all of them when
   * omitted): abandoned enrollments. Returns how many were deleted.
   */
  deleteUnconfirmedFactors(userId: string, createdBefore?: number): Promise<number>;

  /**
   * Atomic. Accept time step (or HOTP counter) `step` for this factor only if it is strictly
   * greater than the last accepted one (or none was accepted yet); on success record it as the
   * last accepted step and `now` as lastUsedAt. Returns whether the step was accepted. This is
   * the replay protection for one-time passwords: of 30 parallel calls with the same step,
   * exactly one returns true.
   */
  consumeTimeStep(factorId: string, step: number, now: number): Promise<boolean>;

  /** Current failure counter and lock of a user's second step (zeroes when never failed). */
  getLockout(userId: string): Promise<LockoutState>;

  /**
   * Atomic. Count one more consecutive failure for this user and apply `policy`:
   * every `policy.threshold`-th consecutive failure locks until `now + policy.lockMs`;
   * reaching `policy.hardLimit` consecutive failures locks with `lockedUntil = null` and
   * `hardLocked = true` until resetFailures(). Returns the state after counting.
   */
  recordFailure(userId: string, policy: FailurePolicy): Promise<LockoutState>;

  /** Forget the failure counter and any lock (after a success, or by an administrator). */
  resetFailures(userId: string): Promise<void>;

  /** Optional. Release connections/handles. Calls after close() throw. */
  close?(): Promise<void>;

  // ---- Phone codes and send limits (backup phone, SMS and voice codes). Required; createMfa()
  // checks for them only when it is given an `sms` transport, so older stores still serve TOTP.

  /**
   * Atomic. Keep `record` as the one live code of (userId, purpose), replacing any previous one:
   * a resend invalidates the code sent before it.
   */
  putPhoneCode(record: PhoneCodeRecord): Promise<void>;

  /**
   * Atomic. If the live code of (userId, purpose) has this `codeHash` and `now < expiresAt`,
   * delete it and return true; otherwise change nothing and return false. Of 30 parallel calls
   * with the right hash, exactly one returns true.
   */
  consumePhoneCode(userId: string, purpose: string, codeHash: string, now: number): Promise<boolean>;

  /**
   * Atomic. A fixed-window counter per `key` (`limit` ≥ 1): the window starts at the first take and lasts
   * `windowMs`. Returns true and counts one more if fewer than `limit` were taken in the current
   * window (a new window starts at `now` once the old one is over), else false without counting.
   * Of 30 parallel calls with limit 5, exactly 5 return true.
   */
  takeRateLimitToken(key: string, limit: number, windowMs: number, now: number): Promise<boolean>;
}

/** One enrolled (or being enrolled) second factor of a user. */
export interface FactorRecord {
  /** Random, unguessable id (≥ 128 bits, base64url). */
  id: string;
  userId: string;
  /** Method name: 'totp' today; later methods add their own. */
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

/** The lock state that results from counting one more failure; shared by every store. */
export function nextLockout(previous: LockoutState, policy: FailurePolicy): LockoutState {
  const failures = previous.failures + 1;
  if (failures >= policy.hardLimit) return { failures, lockedUntil: null, hardLocked: true };
  const lockedUntil = failures % policy.threshold === 0 ? policy.now + policy.lockMs : previous.lockedUntil;
  return { failures, lockedUntil, hardLocked: previous.hardLocked };
}

export const NO_LOCKOUT: LockoutState = Object.freeze({ failures: 0, lockedUntil: null, hardLocked: false });
