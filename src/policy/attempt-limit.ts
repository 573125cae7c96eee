import { z } from 'zod';
import { ConfigurationError, RateLimitedError } from '../errors.js';
import { facetProblems } from '../stores/mfa-store.js';
import type { MfaStore, StoreWith } from '../stores/mfa-store.js';
import { rateLimitKeys } from './rate-limit-keys.js';

/** `mfa.attemptLimit(options)`: a limit on the host's own password checks (its login form, its API). */
export interface AttemptLimitOptions {
  /** Names this limit's counters in the store, e.g. 'login'; 1 to 32 lowercase letters, digits and dashes. Required. */
  name: string;
  /** Window length in ms. @default 900000 (15 minutes) */
  windowMs?: number;
  /** Attempts per username per window; a correct password forgets that username's. @default 10 */
  perUsername?: number;
  /** Attempts per client IP per window (an IPv6 client: its /64), correct ones included. @default 50 */
  perIp?: number;
}

export const ATTEMPT_LIMIT_DEFAULTS = { windowMs: 15 * 60_000, perUsername: 10, perIp: 50 } as const;

const schema = z.object({
  name: z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be 1 to 32 lowercase letters, digits and dashes, e.g. "login"'),
  windowMs: z.number().int().min(1000).max(24 * 60 * 60_000).optional(),
  perUsername: z.number().int().min(1).max(1000).optional(),
  perIp: z.number().int().min(1).max(100_000).optional(),
}).strict();

/**
 * Attempts at a password check, counted per username and per client IP in the store (so every
 * instance shares them). Each attempt is reserved before the password is checked, as one atomic
 * store operation with its limit: however many requests arrive at once, no more checks run than
 * the limits allow, and the (slow) password hash never runs for a refused one.
 */
export class AttemptLimit {
  readonly #store: StoreWith<'rateLimits'>;
  readonly #settings: Required<AttemptLimitOptions>;
  readonly #clock: () => number;

  constructor(store: MfaStore, options: AttemptLimitOptions, clock: () => number) {
    const parsed = schema.safeParse(options);
    const problems = [
      ...(parsed.success ? [] : parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(options)'}: ${i.message}`)),
      ...facetProblems(store, ['rateLimits']).map((p) => `  - store: ${p}, which attempt limits need`),
    ];
    if (problems.length > 0) throw new ConfigurationError(`mfa.attemptLimit(): invalid options:\n${problems.join('\n')}`);
    this.#store = store as StoreWith<'rateLimits'>;
    this.#settings = { ...ATTEMPT_LIMIT_DEFAULTS, ...options };
    this.#clock = clock;
  }

  /**
   * Reserves one attempt for this client and username, before the password is checked. Throws
   * RateLimitedError (429, with retryAfterSeconds) when either has none left in this window.
   */
  async reserve(ip: string | undefined, username: string): Promise<void> {
    const { name, windowMs, perIp, perUsername } = this.#settings;
    const now = this.#clock();
    for (const [key, limit] of [[rateLimitKeys.attemptsByIp(name, ip), perIp], [rateLimitKeys.attemptsByUsername(name, username), perUsername]] as const) {
      const hit = await this.#store.rateLimits.hit(key, windowMs, now, limit);
      if (!hit.counted) throw new RateLimitedError((hit.resetAt - now) / 1000);
    }
  }

  /** After a correct password: that username's attempts are forgotten (the client's stay counted). */
  async succeeded(username: string): Promise<void> {
    await this.#store.rateLimits.delete(rateLimitKeys.attemptsByUsername(this.#settings.name, username));
  }
}
