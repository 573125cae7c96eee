import type { Wakeup } from '../transports/wakeup.js';

/** The wake-up topic that empties every instance's BasicCheckCache (beside `sessions:`, `user:`, `challenge:`). */
export const BASIC_CHECK_TOPIC = 'basic-check';

export interface BasicCheckCacheOptions {
  /** Carries "forget what you read" to every instance (the push wake-up channel). */
  wakeup: Wakeup;
  clock: () => number;
  /**
   * How long one instance trusts what it read, in ms, should a wake-up be lost: the longest a
   * revocation or a lockout reached on another instance can take to be seen there. 0 turns the
   * cache off.
   */
  ttlMs: number;
  /** Entries kept at once; the oldest goes first beyond it. @default 10000 */
  maxEntries?: number;
}

interface Entry {
  value: unknown;
  readAt: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * What the HTTP Basic check last read from the store, per key (an app password's record by its
 * HMAC, a failure counter by its key), so that a client repeating a correct app password is
 * answered without a store round trip. Only what lets a request succeed is worth keeping: a
 * wrong password is never in it, so every guess still reads and counts in the store. Revoking an
 * app password, reaching a limit, losing the wake-up channel or a store failure empties it, on
 * every instance through the wake-up channel; a lost wake-up is covered by `ttlMs`.
 */
export class BasicCheckCache {
  readonly #o: Required<BasicCheckCacheOptions>;
  readonly #entries = new Map<string, Entry>();
  /** Bumped by every clear(), so a read that began before one is not kept as current. */
  #generation = 0;

  constructor(options: BasicCheckCacheOptions) {
    this.#o = { maxEntries: DEFAULT_MAX_ENTRIES, ...options };
    // A shared channel also wakes this listener when its connection is lost or back (the Wakeup
    // contract): wake-ups published meanwhile are gone, so everything read before is forgotten.
    if (this.#o.ttlMs > 0) this.#o.wakeup.subscribe(BASIC_CHECK_TOPIC, () => this.clear());
  }

  /** Pass to put() with what a store read that starts now returns. */
  get generation(): number {
    return this.#generation;
  }

  /** What was read for `key` within the last ttlMs, or undefined (read the store). */
  get<T>(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || this.#o.wakeup.connected === false) return undefined;
    const age = this.#o.clock() - entry.readAt;
    return age >= 0 && age < this.#o.ttlMs ? (entry.value as T) : undefined;
  }

  /** Keeps what a store read started at `readAt` returned, unless clear() ran since `generation` was taken. */
  put(key: string, value: unknown, readAt: number, generation: number): void {
    if (this.#o.ttlMs === 0 || generation !== this.#generation) return;
    this.#entries.delete(key);
    if (this.#entries.size >= this.#o.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { value, readAt });
  }

  /** Forgets everything in this instance. */
  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }

  /** Forgets everything here at once and, through the wake-up channel, in every other instance. */
  async clearEverywhere(): Promise<void> {
    this.clear();
    if (this.#o.ttlMs > 0) await this.#o.wakeup.publish(BASIC_CHECK_TOPIC);
  }

  /** How many entries this instance holds (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }
}
