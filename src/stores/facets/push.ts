import type { PublicJwk, PushChallengeRecord, PushDeviceRecord, PushResolution } from '../push-records.js';

/**
 * The push facet: companion-app devices, the "approve this sign-in?" challenges they answer,
 * and the nonces of their signed requests (docs/push-protocol.md). Needed (with rate limits)
 * while the push method is enabled (`push.enabled`, the default). Expired challenges and nonces
 * may be left in place: callers compare times themselves and never treat an expired row as
 * live. Conventions: see ./core.ts.
 */
export interface PushStore {
  /** Persist a device being set up (id = its push factor's id). Inserting an existing id throws. */
  createDevice(device: PushDeviceRecord): Promise<void>;

  /** The device with this id, or null. */
  getDevice(id: string): Promise<PushDeviceRecord | null>;

  /**
   * ATOMIC. Consume the activation: set activatedAt = now, publicKey and name, only if the device
   * exists, is not activated yet and `now < activationExpiresAt`. Returns whether it did; of 30
   * parallel calls exactly one returns true (and its key is the one kept).
   *
   * `UPDATE push_devices SET activated_at = :now, public_key = :publicKey, name = :name
   *  WHERE id = :id AND activated_at IS NULL AND :now < activation_expires_at` → one row changed.
   */
  activateDevice(id: string, activation: { publicKey: PublicJwk; name: string | null; now: number }): Promise<boolean>;

  /** Set (or clear, with null) the device's PIN hash. Returns false when there is no such device. */
  setDevicePin(id: string, pinHash: string | null): Promise<boolean>;

  /**
   * Mark the device disabled at `now` (after too many wrong PINs). Idempotent: the first time is
   * kept. From then on it resolves no challenge and its approvals complete no sign-in.
   */
  disableDevice(id: string, now: number): Promise<void>;

  /** Persist a new challenge. Inserting an existing id throws. */
  createChallenge(challenge: PushChallengeRecord): Promise<void>;

  /** The challenge with this id, or null. */
  getChallenge(id: string): Promise<PushChallengeRecord | null>;

  /** The user's challenges with status 'pending' and `now < expiresAt`, oldest first. */
  listOpenChallenges(userId: string, now: number): Promise<PushChallengeRecord[]>;

  /**
   * ATOMIC. End a pending challenge: only if its status is 'pending', `now < expiresAt` and the
   * device `resolution.deviceId` exists and is not disabled, set status, resolvedAt = now,
   * resolvedBy and evidence. Returns whether it did; of 30 parallel answers exactly one wins, the
   * stored answer is the winner's, and no answer applied after the device's disable wins (the
   * device check and the update are one atomic step: an answer that waits on the disable sees it).
   *
   * `UPDATE push_challenges SET status = :status, resolved_at = :now, resolved_by = :deviceId,
   *  evidence = :evidence WHERE id = :id AND status = 'pending' AND :now < expires_at
   *  AND EXISTS (SELECT 1 FROM push_devices WHERE id = :deviceId AND disabled_at IS NULL)`
   */
  resolveChallenge(id: string, resolution: PushResolution): Promise<boolean>;

  /**
   * ATOMIC. Use an approval to complete a sign-in: only if status is 'approved', consumedAt is
   * null and the device that approved it (resolvedBy) exists and is not disabled, set
   * consumedAt = now. Returns whether it did; exactly one of 30 parallel calls wins.
   *
   * `UPDATE push_challenges SET consumed_at = :now
   *  WHERE id = :id AND status = 'approved' AND consumed_at IS NULL
   *  AND EXISTS (SELECT 1 FROM push_devices d WHERE d.id = push_challenges.resolved_by AND d.disabled_at IS NULL)`
   */
  consumeChallenge(id: string, now: number): Promise<boolean>;

  /** The user's challenges with status 'fraud' and noticeSeenAt null, oldest first. */
  listUnseenFraudReports(userId: string): Promise<PushChallengeRecord[]>;

  /** Set noticeSeenAt = now on all of the user's unseen fraud reports. */
  markFraudReportsSeen(userId: string, now: number): Promise<void>;

  /**
   * ATOMIC. Record that `nonce` was used in `scope` (e.g. a device id) and keep it until
   * `expiresAt`. Returns false when the same scope and nonce were recorded before and have not
   * expired by `now`: a replay. Of 30 parallel calls with one nonce exactly one returns true.
   *
   * `INSERT INTO push_nonces (scope, nonce, expires_at) VALUES (:scope, :nonce, :expiresAt)
   *  ON CONFLICT (scope, nonce) DO UPDATE SET expires_at = excluded.expires_at
   *  WHERE push_nonces.expires_at <= :now` → true when one row was inserted or taken over.
   */
  consumeNonce(scope: string, nonce: string, expiresAt: number, now: number): Promise<boolean>;
}
