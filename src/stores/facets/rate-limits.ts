/**
 * The rate-limits facet: the one fixed-window counter facility, shared by every feature that
 * counts something (phone code sends, failed HTTP Basic attempts, push notifications sent,
 * denials, cooldowns, fraud blocks, wrong PINs, activation attempts). Each feature uses its own
 * key namespace (src/policy/rate-limit-keys.ts), so counts never mix. Needed by phone codes, app
 * passwords and push. Conventions (times, copies, ATOMIC): see ./core.ts.
 */
export interface RateLimitStore {
  /** The counter of `key`; NO_RATE_LIMIT when it never counted or its window ended at or before `now`. */
  get(key: string, now: number): Promise<RateLimitState>;

  /**
   * ATOMIC. Count one hit on `key`, as nextRateLimit() does. A key whose window ended at or
   * before `now` (or that never counted) starts a new window `[now, now + windowMs)` with count 1.
   * Otherwise:
   * - without `limit`, count + 1 (a failure counter: every hit counts);
   * - with `limit` (≥ 1), count + 1 only while count < limit, else nothing changes (a
   *   reservation: only hits that were allowed count).
   * Returns whether this hit was counted and the state after it. Of 30 parallel calls without a
   * limit each sees a distinct count; with limit 5, exactly 5 are counted. Stores may drop keys
   * whose window has ended.
   *
   * `INSERT INTO rate_limits (key, count, reset_at) VALUES (:key, 1, :now + :windowMs)
   *  ON CONFLICT (key) DO UPDATE SET
   *    count    = CASE WHEN rate_limits.reset_at <= :now THEN 1 ELSE rate_limits.count + 1 END,
   *    reset_at = CASE WHEN rate_limits.reset_at <= :now THEN :now + :windowMs ELSE rate_limits.reset_at END
   *  WHERE rate_limits.reset_at <= :now OR :limit IS NULL OR rate_limits.count < :limit
   *  RETURNING count, reset_at` — no row returned means refused; read the full window in the
   * same transaction to report it.
   */
  hit(key: string, windowMs: number, now: number, limit?: number): Promise<RateLimitHit>;

  /** Forget the counter of `key` (e.g. after a correct PIN); its next hit starts a new window. */
  delete(key: string): Promise<void>;
}

export interface RateLimitState {
  /** Hits counted in the current window. */
  count: number;
  /** When the current window ends; null when there is none. */
  resetAt: number | null;
}

/** What hit() answers: the state after the hit, and whether the hit was counted. */
export interface RateLimitHit extends RateLimitState {
  /** False only when a `limit` was given and the window was already full. */
  counted: boolean;
  /** After a hit there is always a current window, counted or not. */
  resetAt: number;
}

export const NO_RATE_LIMIT: RateLimitState = Object.freeze({ count: 0, resetAt: null });

/** The result of one hit() on `previous`; for stores that count in code. */
export function nextRateLimit(previous: RateLimitState, windowMs: number, now: number, limit?: number): RateLimitHit {
  if (previous.resetAt === null || previous.resetAt <= now) return { counted: true, count: 1, resetAt: now + windowMs };
  if (limit !== undefined && previous.count >= limit) return { counted: false, count: previous.count, resetAt: previous.resetAt };
  return { counted: true, count: previous.count + 1, resetAt: previous.resetAt };
}
