/** Records the push-notification method keeps in the store (see the push block of MfaStore). */

/** The public half of a device's ECDSA P-256 key, as a JWK (only these members are kept). */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/**
 * A companion authenticator registered (or being registered) for a push factor. Its id is the
 * factor's id: one device per push factor.
 */
export interface PushDeviceRecord {
  id: string;
  userId: string;
  /** scrypt hash of the single-use activation code (never the code itself). */
  activationCodeHash: string;
  activationExpiresAt: number;
  /** When the device proved possession of its key with the activation code; null before. */
  activatedAt: number | null;
  publicKey: PublicJwk | null;
  /** Name the device gave itself at activation, e.g. 'Pixel 8'. */
  name: string | null;
  /** scrypt hash of the approval PIN, when the policy requires one and it was chosen. */
  pinHash: string | null;
  /** Set after too many consecutive wrong PINs: the device must be set up again. */
  disabledAt: number | null;
  createdAt: number;
}

export type PushChallengeStatus = 'pending' | 'approved' | 'denied' | 'fraud' | 'failed';

/** Where and from what the sign-in that raised a challenge came; shown on the device. */
export interface PushChallengeContext {
  ip: string | null;
  userAgent: string | null;
  /** When the browser asked (ms since the epoch). */
  time: number;
}

/** One "approve this sign-in?" notification. */
export interface PushChallengeRecord {
  /** ≥ 128-bit random id, base64url. */
  id: string;
  userId: string;
  /** During setup only this (unconfirmed) factor's device may answer; null: any confirmed push factor. */
  factorId: string | null;
  /** The number shown in the browser that the user must type on the device. */
  number: string;
  createdAt: number;
  expiresAt: number;
  context: PushChallengeContext;
  status: PushChallengeStatus;
  resolvedAt: number | null;
  /** Id of the device whose answer resolved it. */
  resolvedBy: string | null;
  /** The signed answer (canonical JSON and signature) kept as evidence; null when not signed. */
  evidence: string | null;
  /** When a browser session used the approval to complete a sign-in (once only). */
  consumedAt: number | null;
  /** For fraud reports: when the user was shown the notice on a later sign-in. */
  noticeSeenAt: number | null;
}

/** How a pending challenge ended. */
export interface PushResolution {
  status: Exclude<PushChallengeStatus, 'pending'>;
  deviceId: string;
  evidence: string | null;
  now: number;
}


/** A device's Web Push subscription (the browser's PushSubscription.toJSON()), one per device. */
export interface PushSubscriptionRecord {
  /** The push device (= push factor) it belongs to. */
  deviceId: string;
  userId: string;
  /** The push service URL that web-push POSTs to (https). */
  endpoint: string;
  /** The subscription's P-256 public key (base64url, 65 bytes) and auth secret (base64url, 16 bytes). */
  p256dh: string;
  auth: string;
  createdAt: number;
}
