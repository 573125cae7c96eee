import type { RateLimitHit, RateLimitState, RateLimitStore } from '../facets/rate-limits.js';
import { nextRateLimit, NO_RATE_LIMIT } from '../facets/rate-limits.js';

/** MemoryStore's rate-limits facet. */
export class MemoryRateLimits implements RateLimitStore {
  readonly #counters = new Map<string, RateLimitState>();
  /** `ensureOpen` throws once the MemoryStore is closed. */
  constructor(private readonly ensureOpen: () => void) {}

  async get(key: string, now: number): Promise<RateLimitState> {
    this.ensureOpen();
    const state = this.#counters.get(key);
    return state && state.resetAt !== null && state.resetAt > now ? { ...state } : { ...NO_RATE_LIMIT };
  }

  async hit(key: string, windowMs: number, now: number, limit?: number): Promise<RateLimitHit> {
    this.ensureOpen();
    const hit = nextRateLimit(this.#counters.get(key) ?? NO_RATE_LIMIT, windowMs, now, limit);
    this.#counters.set(key, { count: hit.count, resetAt: hit.resetAt });
    return hit;
  }

  async delete(key: string): Promise<void> {
    this.ensureOpen();
    this.#counters.delete(key);
  }
}
