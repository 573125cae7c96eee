import { RateLimitedError } from '../errors.js';
import type { MfaStore, RateLimitState } from '../stores/store.js';

export interface BasicRateLimitSettings {
  windowMs: number;
  perUsername: number;
  perIp: number;
}

const NONE: RateLimitState = { count: 0, resetAt: null };

/**
 * Failed HTTP Basic attempts, counted per username and per client IP in the store (so every
 * instance shares the counts). Once either count reaches its limit, every attempt for that
 * username or from that IP is refused until the window ends, right or wrong.
 */
export class BasicRateLimit {
  constructor(
    private readonly store: MfaStore,
    private readonly settings: BasicRateLimitSettings,
    private readonly clock: () => number,
  ) {}

  /** The RateLimitedError that applies now, if any. */
  async check(ip: string, username: string | null): Promise<RateLimitedError | null> {
    const now = this.clock();
    const [byIp, byUser] = await Promise.all([
      this.store.getRateLimit(ipKey(ip), now),
      username === null ? NONE : this.store.getRateLimit(usernameKey(username), now),
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
    await Promise.all([
      this.store.hitRateLimit(ipKey(ip), windowMs, now),
      username === null ? null : this.store.hitRateLimit(usernameKey(username), windowMs, now),
    ]);
  }
}

const ipKey = (ip: string) => `basic:ip:${ip}`;
/** Case and compatibility variants of a name share one counter, so "Alice" cannot dodge "alice"'s. */
const usernameKey = (username: string) => `basic:user:${username.normalize('NFKC').toLowerCase()}`;
