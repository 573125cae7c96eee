import type { CounterState, PublicJwk, PushChallengeRecord, PushDeviceRecord, PushResolution } from './push-records.js';

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

  // ───────────── Push notifications (docs/push-protocol.md) ─────────────
  // Required when the push method is enabled (`push.enabled`, the default). Records are in
  // ./push-records.ts. Expired challenges, nonces and counters may be left in place by a store;
  // callers compare times themselves and never treat an expired row as live.

  /** Persist a device being set up (id = its push factor's id). Inserting an existing id throws. */
  createPushDevice(device: PushDeviceRecord): Promise<void>;

  /** The device with this id, or null. */
  getPushDevice(id: string): Promise<PushDeviceRecord | null>;

  /**
   * Atomic. Consume the activation: set activatedAt = now, publicKey and name, only if the device
   * exists, is not activated yet and `now < activationExpiresAt`. Returns whether it did; of 30
   * parallel calls exactly one returns true.
   */
  activatePushDevice(id: string, activation: { publicKey: PublicJwk; name: string | null; now: number }): Promise<boolean>;

  /** Set (or clear, with null) the device's PIN hash. Returns false when there is no such device. */
  setPushDevicePin(id: string, pinHash: string | null): Promise<boolean>;

  /** Mark the device disabled at `now` (after too many wrong PINs). Idempotent. */
  disablePushDevice(id: string, now: number): Promise<void>;

  /** Persist a new challenge. Inserting an existing id throws. */
  createPushChallenge(challenge: PushChallengeRecord): Promise<void>;

  /** The challenge with this id, or null. */
  getPushChallenge(id: string): Promise<PushChallengeRecord | null>;

  /** The user's challenges with status 'pending' and `now < expiresAt`, oldest first. */
  listOpenPushChallenges(userId: string, now: number): Promise<PushChallengeRecord[]>;

  /**
   * Atomic. End a pending challenge: only if its status is 'pending' and `now < expiresAt`, set
   * status, resolvedAt = now, resolvedBy and evidence. Returns whether it did; of 30 parallel
   * answers exactly one wins.
   */
  resolvePushChallenge(id: string, resolution: PushResolution): Promise<boolean>;

  /**
   * Atomic. Use an approval to complete a sign-in: only if status is 'approved' and consumedAt is
   * null, set consumedAt = now. Returns whether it did; exactly one of 30 parallel calls wins.
   */
  consumePushChallenge(id: string, now: number): Promise<boolean>;

  /** The user's challenges with status 'fraud' and noticeSeenAt null, oldest first. */
  listUnseenFraudReports(userId: string): Promise<PushChallengeRecord[]>;

  /** Set noticeSeenAt = now on all of the user's unseen fraud reports. */
  markFraudReportsSeen(userId: string, now: number): Promise<void>;

  /**
   * Atomic. Record that `nonce` was used in `scope` (e.g. a device id) and keep it until
   * `expiresAt`. Returns false when the same scope and nonce were recorded before and have not
   * expired by `now`: a replay. Of 30 parallel calls with one nonce exactly one returns true.
   */
  consumeNonce(scope: string, nonce: string, expiresAt: number, now: number): Promise<boolean>;

  /**
   * Atomic. Count one hit on the fixed-window counter `key`: when it does not exist or its window
   * ended (`now >= resetAt`), start a new one with count 1 and resetAt = now + windowMs; else add 1.
   * Returns the state after counting; 30 parallel hits return the counts 1..30, none lost.
   */
  hitCounter(key: string, windowMs: number, now: number): Promise<CounterState>;

  /** The counter's state, or null when it does not exist or its window ended by `now`. */
  getCounter(key: string, now: number): Promise<CounterState | null>;

  /** Forget a counter (e.g. after a correct PIN). */
  deleteCounter(key: string): Promise<void>;
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
