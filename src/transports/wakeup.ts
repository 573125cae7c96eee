import { EventEmitter } from 'node:events';

/**
 * How waiting requests learn that something changed: a device's long-poll (a challenge was
 * created), a browser's result stream (it was answered), every instance's session check (a user's
 * sessions were revoked). A wake-up names a `topic` and may carry a short `payload` (a hint such
 * as a new session generation), never a secret: the store stays the single source of truth, so a
 * lost or duplicated wake-up costs latency, never correctness, and every waiter also re-reads the
 * store at a bounded interval.
 *
 * Implementations: InProcessWakeup (one app instance), PostgresWakeup (LISTEN/NOTIFY) and
 * RedisWakeup (pub/sub) for several instances behind one load balancer.
 */
export interface Wakeup {
  /**
   * Wake everyone waiting on `topic`, in this process at once and (for shared transports) in the
   * other instances. Never rejects because the shared channel is down: waiters elsewhere then
   * find the change on their next re-read.
   */
  publish(topic: string, payload?: string): void | Promise<void>;
  /** Calls `listener` (with the payload, if any) on every publish to `topic` until the returned function is called. */
  subscribe(topic: string, listener: (payload: string | undefined) => void): () => void;
  /**
   * Shared transports only: false while wake-ups from other instances cannot arrive (the
   * connection is lost and being re-established). Waiters then re-read the store every second.
   * Absent or true: wake-ups arrive. Each change wakes every subscriber of this instance once,
   * without payload: when it is lost, so that those already waiting re-read and start polling;
   * when it is back, so that they find what was published meanwhile.
   */
  readonly connected?: boolean;
  /** Shared transports only: calls `listener` whenever `connected` changes; returns its removal. */
  onConnectionChange?(listener: (change: WakeupConnectionChange) => void): () => void;
}

export interface WakeupConnectionChange {
  connected: boolean;
  /** Why the connection was lost (on `connected: false`). */
  error?: Error;
}

/** The longest topic and payload a wake-up takes; PostgreSQL's NOTIFY caps a message at 8000 bytes. */
export const MAX_TOPIC_LENGTH = 200;
export const MAX_PAYLOAD_LENGTH = 1_000;

/** Throws a TypeError on a topic or payload no transport can carry: a programming error, caught in tests. */
export function checkWakeup(topic: string, payload: string | undefined): void {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) {
    throw new TypeError(`wake-up topic must be a string of 1 to ${MAX_TOPIC_LENGTH} characters`);
  }
  if (payload !== undefined && (typeof payload !== 'string' || payload.length > MAX_PAYLOAD_LENGTH)) {
    throw new TypeError(`wake-up payload must be a string of at most ${MAX_PAYLOAD_LENGTH} characters`);
  }
}

/** Wake-ups within this process only: right for a single app instance. */
export class InProcessWakeup implements Wakeup {
  readonly #events = new EventEmitter();

  constructor() {
    // Thousands of browsers may wait at once; each is one listener, not a leak.
    this.#events.setMaxListeners(0);
  }

  publish(topic: string, payload?: string): void {
    checkWakeup(topic, payload);
    this.#events.emit(topic, payload);
  }

  subscribe(topic: string, listener: (payload: string | undefined) => void): () => void {
    this.#events.on(topic, listener);
    return () => this.#events.off(topic, listener);
  }

  /** Calls every listener of every topic once, without payload: "re-read the store, something may have been missed". */
  wakeAll(): void {
    for (const topic of this.#events.eventNames()) this.#events.emit(topic);
  }

  /** How many listeners wait on a topic (for tests and metrics). */
  listenerCount(topic: string): number {
    return this.#events.listenerCount(topic);
  }
}

/** How often waiters re-read the store while a shared transport is disconnected, at most. */
export const DISCONNECTED_POLL_MS = 1_000;

/**
 * How long a waiter may go without re-reading the store: `intervalMs` while wake-ups arrive,
 * at most DISCONNECTED_POLL_MS while a shared transport is disconnected (polling stands in for it).
 */
export function pollDelayMs(wakeup: Wakeup, intervalMs: number): number {
  return wakeup.connected === false ? Math.min(intervalMs, DISCONNECTED_POLL_MS) : intervalMs;
}

/** True when `value` has publish() and subscribe(): what createMfa() accepts as `wakeup`. */
export function isWakeup(value: unknown): value is Wakeup {
  return typeof value === 'object' && value !== null && typeof (value as Wakeup).publish === 'function' && typeof (value as Wakeup).subscribe === 'function';
}
