import { RateLimitedError } from '../errors.js';
import { NO_RATE_LIMIT } from '../stores/facets/rate-limits.js';
import type { RateLimitState } from '../stores/facets/rate-limits.js';
import type { StoreWith } from '../stores/mfa-store.js';
import type { BasicCheckCache } from './basic-check-cache.js';
import { rateLimitKeys } from './rate-limit-keys.js';

export interface BasicRateLimitSettings {
  windowMs: number;
  perUsername: number;
  perIp: number;
}

/**
 * Failed HTTP Basic attempts, counted per username and per client IP in the store (so every
 * instance shares the counts). Once either count reaches its limit, every attempt for that
 * username or from that IP is refused until the window ends, right or wrong. What check() read
 * is kept in `cache` (fail() keeps nothing: its counts only go up, and the failure that reaches
 * a limit empties every instance's cache, so a correct password there is refused from then on).
 */
export class BasicRateLimit {
  constructor(
    private readonly store: StoreWith<'rateLimits'>,
    private readonly settings: BasicRateLimitSettings,
    private readonly clock: () => number,
    private readonly cache?: BasicCheckCache,
  ) {}

  /**
   * True when what this instance read within the cache's lifetime shows both counts below their
   * limits; false when only check() can tell (nothing read lately, or a limit reached).
   */
  clearInCache(ip: string, username: string | null): boolean {
    if (!this.cache) return false;
    const now = this.clock();
    const byIp = this.cache.get<RateLimitState>(rateLimitKeys.basicFailureByIp(ip));
    if (byIp === undefined || isReached(byIp, this.settings.perIp, now)) return false;
    if (username === null) return true;
    const byUser = this.cache.get<RateLimitState>(rateLimitKeys.basicFailureByUsername(username));
    return byUser !== undefined && !isReached(byUser, this.settings.perUsername, now);
  }

  /** The RateLimitedError that applies now, if any, as the store tells. */
  async check(ip: string, username: string | null): Promise<RateLimitedError | null> {
    const now = this.clock();
    const generation = this.cache?.generation ?? 0;
    const ipKey = rateLimitKeys.basicFailureByIp(ip);
    const userKey = username === null ? null : rateLimitKeys.basicFailureByUsername(username);
    const [byIp, byUser] = await Promise.all([
      this.store.rateLimits.get(ipKey, now),
      userKey === null ? NO_RATE_LIMIT : this.store.rateLimits.get(userKey, now),
    ]);
    this.cache?.put(ipKey, byIp, now, generation);
    if (userKey !== null) this.cache?.put(userKey, byUser, now, generation);
    const retryAt = Math.max(
      isReached(byIp, this.settings.perIp, now) ? byIp.resetAt! : 0,
      isReached(byUser, this.settings.perUsername, now) ? byUser.resetAt! : 0,
    );
    return retryAt > now ? new RateLimitedError((retryAt - now) / 1000) : null;
  }

  async fail(ip: string, username: string | null): Promise<void> {
    const now = this.clock();
    const { windowMs, perIp, perUsername } = this.settings;
    // No limit: every failure counts, including those of requests that raced past check() together.
    const [byIp, byUser] = await Promise.all([
      this.store.rateLimits.hit(rateLimitKeys.basicFailureByIp(ip), windowMs, now),
      username === null ? null : this.store.rateLimits.hit(rateLimitKeys.basicFailureByUsername(username), windowMs, now),
    ]);
    if (byIp.count >= perIp || (byUser !== null && byUser.count >= perUsername)) await this.cache?.clearEverywhere();
  }
}

function isReached(state: RateLimitState, limit: number, now: number): boolean {
  return state.count >= limit && state.resetAt !== null && state.resetAt > now;
}
