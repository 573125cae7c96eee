import { RateLimitedError } from '../errors.js';
import { NO_RATE_LIMIT } from '../stores/facets/rate-limits.js';
import type { StoreWith } from '../stores/mfa-store.js';
import { rateLimitKeys } from './rate-limit-keys.js';

export interface BasicRateLimitSettings {
  windowMs: number;
  perUsername: number;
  perIp: number;
}

/**
 * Failed HTTP Basic attempts, counted per username and per client IP in the store (so every
 * instance shares the counts). Once either count reaches its limit, every attempt for that
 * username or from that IP is refused until the window ends, right or wrong.
 */
export class BasicRateLimit {
  constructor(
    private readonly store: StoreWith<'rateLimits'>,
    private readonly settings: BasicRateLimitSettings,
    private readonly clock: () => number,
  ) {}

  /** The RateLimitedError that applies now, if any. */
  async check(ip: string, username: string | null): Promise<RateLimitedError | null> {
    const now = this.clock();
    const [byIp, byUser] = await Promise.all([
      this.store.rateLimits.get(rateLimitKeys.basicFailureByIp(ip), now),
      username === null ? NO_RATE_LIMIT : this.store.rateLimits.get(rateLimitKeys.basicFailureByUsername(username), now),
    ]);
    const retryAt = Math.max(
      byIp.count >= this.settings.perIp ? byIp.resetAt! : 0,
      byUser.count >= this.settings.perUsername ? byUser.resetAt! : 0,
    );
    return retryAt > now ? new RateLimitedError((retryAt - now) / 1000) : null;
  }

  async fail(ip: string, username: string | null): Promise<void> {
    const now = this.clock();
    const { windowMs } = this.settings;
    // No limit: every failure counts, including those of requests that raced past check() together.
    await Promise.all([
      this.store.rateLimits.hit(rateLimitKeys.basicFailureByIp(ip), windowMs, now),
      username === null ? null : this.store.rateLimits.hit(rateLimitKeys.basicFailureByUsername(username), windowMs, now),
    ]);
  }
}
