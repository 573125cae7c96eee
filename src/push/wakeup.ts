import { EventEmitter } from 'node:events';

/**
 * How waiting requests (a device's long-poll, a browser's event stream) learn that something
 * changed. A wake-up carries no data: the store stays the single source of truth, so a lost or
 * duplicated wake-up only costs latency. Topics: `user:<userId>` (a challenge was created) and
 * `challenge:<id>` (it was answered). Implement both methods over Redis pub/sub or PostgreSQL
 * LISTEN/NOTIFY to share wake-ups between app instances.
 */
export interface PushWakeup {
  /** Wake everyone waiting on `topic`, here and (for shared transports) in other instances. */
  publish(topic: string): void | Promise<void>;
  /** Calls `listener` on every publish to `topic` until the returned function is called. */
  subscribe(topic: string, listener: () => void): () => void;
}

/** Wake-ups within this process only: right for a single app instance. */
export class InProcessPushWakeup implements PushWakeup {
  readonly #events = new EventEmitter();

  constructor() {
    // Thousands of browsers may wait at once; each is one listener, not a leak.
    this.#events.setMaxListeners(0);
  }

  publish(topic: string): void {
    this.#events.emit(topic);
  }

  subscribe(topic: string, listener: () => void): () => void {
    this.#events.on(topic, listener);
    return () => this.#events.off(topic, listener);
  }

  /** How many listeners wait on a topic (for tests and metrics). */
  listenerCount(topic: string): number {
    return this.#events.listenerCount(topic);
  }
}

export const userTopic = (userId: string): string => `user:${userId}`;
export const challengeTopic = (challengeId: string): string => `challenge:${challengeId}`;
