import { ipBucket } from './ip-bucket.js';

/**
 * Every counter key passport-mfa keeps in the store (its rateLimits facet), in one place.
 * Each counter has its own prefix, and no prefix is a prefix of another, so no user id, IP or
 * username can make two counters (or two features) share a count. Per-IP counters key IPv6
 * clients on their /64 (ipBucket).
 */
export const rateLimitKeys = {
  /** Phone codes sent for one user (SMS toll fraud, message bombing). */
  phoneSendByUser: (userId: string) => `phone-send:user:${userId}`,
  /** Phone codes sent for requests from one IP. */
  phoneSendByIp: (ip: string | undefined) => `phone-send:ip:${ipBucket(ip)}`,
  /** Failed HTTP Basic attempts from one IP. */
  basicFailureByIp: (ip: string | undefined) => `basic:ip:${ipBucket(ip)}`,
  /** Failed HTTP Basic attempts for one username; case and compatibility variants share it, so "Alice" cannot dodge "alice"'s. */
  basicFailureByUsername: (username: string) => `basic:user:${username.normalize('NFKC').toLowerCase()}`,
  /** Push notifications sent to one user (push bombing). */
  pushSentByUser: (userId: string) => `push-budget:user:${userId}`,
  /** Push requests one user denied; enough of them start the cooldown. */
  pushDenialsByUser: (userId: string) => `push-denials:user:${userId}`,
  /** Live (count > 0) while a user's notifications are paused after repeated denials. */
  pushCooldownByUser: (userId: string) => `push-cooldown:user:${userId}`,
  /** Live while a user's notifications are blocked after "This wasn't me". */
  pushFraudBlockByUser: (userId: string) => `push-fraud:user:${userId}`,
  /** Consecutive wrong approval PINs on one device; deleted by a correct one. */
  pushPinFailureByDevice: (deviceId: string) => `push-pin:device:${deviceId}`,
  /** Device activation attempts from one IP. */
  pushActivationByIp: (ip: string | undefined) => `push-activate:ip:${ipBucket(ip)}`,
  /** Attempts at one activation code (the id of the device being set up). */
  pushActivationByDevice: (deviceId: string) => `push-activate:device:${deviceId}`,
  /** A host's password checks (mfa.attemptLimit) from one IP; `name` has no ':', so limits never share a key. */
  attemptsByIp: (name: string, ip: string | undefined) => `attempts:${name}:ip:${ipBucket(ip)}`,
  /** A host's password checks for one username, folded like basicFailureByUsername. */
  attemptsByUsername: (name: string, username: string) => `attempts:${name}:user:${username.normalize('NFKC').toLowerCase()}`,
  /** One WebAuthn challenge, spent by its first answer (a reservation of one). */
  webauthnChallenge: (challenge: string) => `webauthn-challenge:${challenge}`,
} as const;
