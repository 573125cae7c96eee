/**
 * Every rate-limit key passport-mfa counts in the store (MfaStore.hitRateLimit), in one place.
 * Each counter has its own prefix, and no prefix is a prefix of another, so no user id, IP or
 * username can make two counters (or two features) share a count.
 */
export const rateLimitKeys = {
  /** Phone codes sent for one user (SMS toll fraud, message bombing). */
  phoneSendByUser: (userId: string) => `phone-send:user:${userId}`,
  /** Phone codes sent for requests from one IP. */
  phoneSendByIp: (ip: string) => `phone-send:ip:${ip}`,
  /** Failed HTTP Basic attempts from one IP. */
  basicFailureByIp: (ip: string) => `basic:ip:${ip}`,
  /** Failed HTTP Basic attempts for one username; case and compatibility variants share it, so "Alice" cannot dodge "alice"'s. */
  basicFailureByUsername: (username: string) => `basic:user:${username.normalize('NFKC').toLowerCase()}`,
} as const;
