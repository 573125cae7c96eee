import type { PublicJwk, PushChallengeRecord, PushDeviceRecord, PushResolution, PushSubscriptionRecord } from './push-records.js';
import type { AppPasswordRecord } from './facets/app-passwords.js';
import type { FactorRecord, FailurePolicy, LockoutState } from './facets/core.js';
import type { PhoneCodeRecord } from './facets/phone-codes.js';
import type { RateLimitHit, RateLimitState } from './facets/rate-limits.js';

export type { AppPasswordRecord } from './facets/app-passwords.js';
export type { FactorRecord, FailurePolicy, LockoutState } from './facets/core.js';
export { nextLockout, NO_LOCKOUT } from './facets/core.js';
export type { PhoneCodeRecord } from './facets/phone-codes.js';
export type { RateLimitHit, RateLimitState } from './facets/rate-limits.js';
export { nextRateLimit, NO_RATE_LIMIT } from './facets/rate-limits.js';

/**
 * The flat MfaStore contract, which ./mfa-store.ts (one facet per concern) replaces: everything passport-mfa persists goes through these methods.
 *
 * Every method is REQUIRED unless marked optional. All times are milliseconds since the epoch,
 * passed in by the caller (stores never read the clock), so tests run on a fake clock.
 *
 * Atomicity is part of the contract, not an optimisation: the methods marked "atomic" must hold
 * under concurrent callers in this process AND in other processes sharing the same backing
 * database. The conformance suite (test/support/store-suite*.ts) fires 30 parallel calls at each
 * of them and expects exactly the documented number of winners (usually one).
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

  // ---- Rate limits: the one fixed-window counter facility, shared by every feature that counts
  // something (phone code sends, failed HTTP Basic attempts, push notifications sent, denials,
  // cooldowns, fraud blocks, wrong PINs, activation attempts). Each feature uses its own key
  // namespace (src/policy/rate-limit-keys.ts), so counts never mix. Required by phone codes, app
  // passwords and push (deleteRateLimit by push only); a store without them still serves TOTP.

  /** The counter of `key`; zero (resetAt null) when it never counted or its window ended at or before `now`. */
  getRateLimit(key: string, now: number): Promise<RateLimitState>;

  /**
   * Atomic. Count one hit on `key`. A key whose window ended at or before `now` (or that never
   * counted) starts a new window `[now, now + windowMs)` with count 1. Otherwise:
   * - without `limit`, count + 1 (a failure counter: every hit counts);
   * - with `limit` (≥ 1), count + 1 only while count < limit, else nothing changes (a
   *   reservation: only hits that were allowed count).
   * Returns whether this hit was counted and the state after it. Of 30 parallel calls without a
   * limit each sees a distinct count; with limit 5, exactly 5 are counted.
   * Stores may drop keys whose window has ended.
   */
  hitRateLimit(key: string, windowMs: number, now: number, limit?: number): Promise<RateLimitHit>;

  /** Forget the counter of `key` (e.g. after a correct PIN); its next hit starts a new window. */
  deleteRateLimit(key: string): Promise<void>;

  // ---- Phone codes (backup phone, SMS and voice codes). Required; createMfa() checks for them
  // (and the rate limits) only when it is given an `sms` transport, so older stores still serve TOTP.

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

  // ---- App passwords (issue 4). Required by app passwords (/mfa/setup/app-passwords,
  // mfa.appPasswordStrategy), with the rate limits; a store without them still serves every other
  // feature, and using app passwords then fails with a ConfigurationError naming the missing methods.

  /**
   * Atomic. Delete this user's app passwords that expired at or before `limit.now`, then insert
   * `record` unless the user still has `limit.maxPerUser` or more. Returns false (nothing
   * inserted) at the limit: of 30 parallel calls with room for N, exactly N return true.
   * `id` and `hash` are unique; inserting an existing one throws.
   */
  createAppPassword(record: AppPasswordRecord, limit: { maxPerUser: number; now: number }): Promise<boolean>;

  /** The app password with this HMAC, or null. One indexed lookup: it runs on every Basic request. */
  findAppPasswordByHash(hash: string): Promise<AppPasswordRecord | null>;

  /** All app passwords of a user (expired ones too), oldest first. */
  listAppPasswords(userId: string): Promise<AppPasswordRecord[]>;

  /** Record a use: set lastUsedAt to `now` (no-op for an unknown id). */
  touchAppPassword(id: string, now: number): Promise<void>;

  /** Revoke (delete) one app password of this user. Returns false when there was none. */
  deleteAppPassword(userId: string, id: string): Promise<boolean>;

  /** Revoke (delete) every app password of this user. Returns how many were deleted. */
  deleteAppPasswords(userId: string): Promise<number>;
  // ───────────── Push notifications (docs/push-protocol.md) ─────────────
  // Required when the push method is enabled (`push.enabled`, the default). Records are in
  // ./push-records.ts. Expired challenges and nonces may be left in place by a store;
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
  // Web Push, needed only with `push.sender`: one subscription per device (`put` replaces it); `list`
  // gives a user's oldest first; `delete` (with `endpoint`: only if still that one) says if it did.
  putPushSubscription(subscription: PushSubscriptionRecord): Promise<void>;
  listPushSubscriptions(userId: string): Promise<PushSubscriptionRecord[]>;
  deletePushSubscription(deviceId: string, endpoint?: string): Promise<boolean>;
}
