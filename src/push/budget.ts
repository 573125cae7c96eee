import { RateLimitedError } from '../errors.js';
import { rateLimitKeys as keys } from '../policy/rate-limit-keys.js';
import type { StoreWith } from '../stores/mfa-store.js';
import type { ResolvedPushOptions } from './push-options.js';

/** A pause of notifications: its error code, its end, and the sentence that explains it. */
export interface PushPause {
  code: 'push_blocked' | 'push_cooldown';
  until: number;
  reason: string;
}

/**
 * The push-bombing defences, counted per user in the store (so every instance and session sees
 * the same numbers): a notification budget per window, a cooldown after repeated denials, and a
 * block after "This wasn't me".
 */
export class PushBudget {
  constructor(
    private readonly store: StoreWith<'rateLimits'>,
    private readonly options: ResolvedPushOptions,
    private readonly clock: () => number,
  ) {}

  /** Throws RateLimitedError (code push_blocked / push_cooldown) while notifications are paused. */
  async assertNotPaused(userId: string): Promise<void> {
    const pause = await this.pause(userId);
    if (pause) throw new RateLimitedError((pause.until - this.clock()) / 1000, `${pause.reason} Use a verification code instead.`, pause.code);
  }

  /** Why and until when notifications to this user are paused now, or null when they are not. */
  async pause(userId: string): Promise<PushPause | null> {
    const now = this.clock();
    const fraud = await this.store.rateLimits.get(keys.pushFraudBlockByUser(userId), now);
    if (fraud.resetAt !== null) {
      return { code: 'push_blocked', until: fraud.resetAt, reason: 'Notifications are paused because a request was reported as "This wasn\'t me".' };
    }
    const cooldown = await this.store.rateLimits.get(keys.pushCooldownByUser(userId), now);
    if (cooldown.resetAt !== null) {
      return { code: 'push_cooldown', until: cooldown.resetAt, reason: 'Several requests were denied, so notifications are paused for a while.' };
    }
    return null;
  }

  /**
   * Counts one notification; throws RateLimitedError (push_budget_exhausted) when this one is
   * over the budget. The count is one atomic store operation, so parallel "Contact me" clicks
   * cannot exceed it.
   */
  async take(userId: string): Promise<void> {
    const now = this.clock();
    const { max, windowMs } = this.options.budget;
    const state = await this.store.rateLimits.hit(keys.pushSentByUser(userId), windowMs, now);
    if (state.count > max) {
      throw new RateLimitedError((state.resetAt - now) / 1000, `We sent ${max} notifications recently, the most we send in a row. Use a verification code instead, or try again later.`, 'push_budget_exhausted');
    }
  }

  /** Counts a denial; the `denials`-th within the window starts the cooldown. */
  async recordDenial(userId: string): Promise<void> {
    const now = this.clock();
    const { denials, windowMs, cooldownMs } = this.options.denialCooldown;
    const state = await this.store.rateLimits.hit(keys.pushDenialsByUser(userId), windowMs, now);
    if (state.count >= denials && cooldownMs > 0) {
      await this.store.rateLimits.hit(keys.pushCooldownByUser(userId), cooldownMs, now);
      await this.store.rateLimits.delete(keys.pushDenialsByUser(userId));
    }
  }

  /** Blocks notifications after a fraud report; returns until when. */
  async block(userId: string): Promise<number> {
    const now = this.clock();
    if (this.options.fraudBlockMs === 0) return now;
    await this.store.rateLimits.delete(keys.pushFraudBlockByUser(userId));
    return (await this.store.rateLimits.hit(keys.pushFraudBlockByUser(userId), this.options.fraudBlockMs, now)).resetAt;
  }
}
