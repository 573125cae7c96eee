import { randomBytes } from 'node:crypto';
import { ConfigurationError } from '../errors.js';
import { checkWakeup, InProcessWakeup } from './wakeup.js';
import type { Wakeup, WakeupConnectionChange } from './wakeup.js';

/** Reconnection timing of a shared wake-up transport. */
export interface ReconnectOptions {
  /** Wait before the first reconnection attempt, in ms; doubled after each failed attempt. @default 100 */
  reconnectMinDelayMs?: number;
  /** The longest wait between reconnection attempts, in ms. @default 5000 */
  reconnectMaxDelayMs?: number;
  /**
   * How long one connection attempt may take before it counts as failed, in ms (a server that is
   * shutting down may accept a connection and never answer). @default 5000
   */
  connectTimeoutMs?: number;
}

export const RECONNECT_DEFAULTS = { reconnectMinDelayMs: 100, reconnectMaxDelayMs: 5_000, connectTimeoutMs: 5_000 } as const;

/** How often a shared transport's connections prove they are alive, in ms: `healthCheckMs` checked, ConfigurationError otherwise. */
export function checkHealthCheckMs(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1_000 || (value as number) > 600_000) {
    throw new ConfigurationError(`${name}: \`healthCheckMs\` must be an integer from 1000 to 600000 (got ${JSON.stringify(value)}).`);
  }
  return value as number;
}

/** The listening side of a shared channel, open until close() or until it reports itself lost. */
export interface Listener {
  close(): Promise<void>;
}

/** One message on the shared channel: who sent it (to skip our own echo), the topic and payload. */
interface Message {
  i: string;
  t: string;
  p?: string;
}

/**
 * What PostgresWakeup and RedisWakeup share: wake-ups reach this process's waiters at once and the
 * other instances through one shared channel; a lost listening connection is re-opened with
 * backoff, and meanwhile `connected` is false (waiters poll the store) and listeners of
 * onConnectionChange hear about it.
 */
export abstract class SharedWakeup<L extends Listener = Listener> implements Wakeup {
  readonly #local = new InProcessWakeup();
  /** Tells this instance's own messages apart when the channel echoes them back. */
  readonly #instance = randomBytes(12).toString('base64url');
  readonly #changes = new Set<(change: WakeupConnectionChange) => void>();
  readonly #minDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #connectTimeoutMs: number;
  #listener: L | null = null;
  #connected = false;
  #closed = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #delayMs: number;

  protected constructor(name: string, options: ReconnectOptions) {
    const d = RECONNECT_DEFAULTS;
    const { reconnectMinDelayMs = d.reconnectMinDelayMs, reconnectMaxDelayMs = d.reconnectMaxDelayMs, connectTimeoutMs = d.connectTimeoutMs } = options;
    for (const [key, value] of Object.entries({ reconnectMinDelayMs, reconnectMaxDelayMs, connectTimeoutMs })) {
      if (!Number.isInteger(value) || value < 1 || value > 600_000) {
        throw new ConfigurationError(`${name}: \`${key}\` must be an integer number of milliseconds from 1 to 600000 (got ${JSON.stringify(value)}).`);
      }
    }
    if (reconnectMinDelayMs > reconnectMaxDelayMs) {
      throw new ConfigurationError(`${name}: \`reconnectMinDelayMs\` (${reconnectMinDelayMs}) must not exceed \`reconnectMaxDelayMs\` (${reconnectMaxDelayMs}).`);
    }
    this.#minDelayMs = reconnectMinDelayMs;
    this.#maxDelayMs = reconnectMaxDelayMs;
    this.#delayMs = reconnectMinDelayMs;
    this.#connectTimeoutMs = connectTimeoutMs;
  }

  /** Opens the listening connection; calls `onMessage` per message and `onLost` (at most once) when the connection fails. */
  protected abstract openListener(onMessage: (message: string) => void, onLost: (error: Error) => void): Promise<L>;
  /** Sends one message to every instance listening on the channel (`listener`: the open one, if any). */
  protected abstract send(message: string, listener: L | null): Promise<void>;
  /** Releases what the transport opened besides the listener (publisher connection, own pool). */
  protected abstract closeTransport(): Promise<void>;

  get connected(): boolean {
    return this.#connected;
  }

  publish(topic: string, payload?: string): void {
    checkWakeup(topic, payload);
    this.#local.publish(topic, payload);
    const message: Message = payload === undefined ? { i: this.#instance, t: topic } : { i: this.#instance, t: topic, p: payload };
    // Not awaited: the caller's change is already in the store, and waiters elsewhere re-read it
    // on their own if this message is lost, so a slow or broken channel never slows the caller.
    this.send(JSON.stringify(message), this.#listener).catch(() => {});
  }

  subscribe(topic: string, listener: (payload: string | undefined) => void): () => void {
    return this.#local.subscribe(topic, listener);
  }

  onConnectionChange(listener: (change: WakeupConnectionChange) => void): () => void {
    this.#changes.add(listener);
    return () => this.#changes.delete(listener);
  }

  /** Stops listening and reconnecting, and closes the connections this object opened. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const listener = this.#listener;
    this.#listener = null;
    this.#connected = false;
    await listener?.close().catch(() => {});
    await this.closeTransport();
  }

  /** The first connection: rejects (and closes everything) if it cannot be opened, so a wrong URL fails at startup. */
  protected async start(): Promise<void> {
    try {
      this.#listener = await this.#open();
      this.#setConnected({ connected: true });
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Opens a listener; one that fails or does not open within the timeout counts as not opened. */
  async #open(): Promise<L> {
    const state: { lost: Error | null; handedOver: boolean } = { lost: null, handedOver: false };
    const opening = this.openListener(
      (raw) => this.#deliver(raw),
      (error) => {
        if (state.lost || this.#closed) return;
        state.lost = error;
        if (state.handedOver) this.#lost(error);
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no connection within ${this.#connectTimeoutMs} ms`)), this.#connectTimeoutMs);
    });
    let listener: L;
    try {
      listener = await Promise.race([opening, timeout]);
    } catch (error) {
      // An attempt that answers after its timeout is closed as soon as it does.
      opening.then((late) => late.close()).catch(() => {});
      throw error;
    } finally {
      clearTimeout(timer);
    }
    if (state.lost) {
      await listener.close().catch(() => {});
      throw state.lost;
    }
    state.handedOver = true;
    return listener;
  }

  #deliver(raw: string): void {
    let message: Partial<Message>;
    try {
      message = JSON.parse(raw) as Partial<Message>;
    } catch {
      return;
    }
    // Our own messages were delivered here when published; anything malformed is not ours to act on.
    if (message.i === this.#instance || typeof message.t !== 'string') return;
    if (message.p !== undefined && typeof message.p !== 'string') return;
    this.#local.publish(message.t, message.p);
  }

  #lost(error: Error): void {
    const listener = this.#listener;
    this.#listener = null;
    listener?.close().catch(() => {});
    this.#setConnected({ connected: false, error });
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    this.#retryTimer = setTimeout(() => void this.#reconnect(), this.#delayMs);
    this.#retryTimer.unref();
    this.#delayMs = Math.min(this.#delayMs * 2, this.#maxDelayMs);
  }

  async #reconnect(): Promise<void> {
    let listener: L;
    try {
      listener = await this.#open();
    } catch {
      this.#scheduleReconnect();
      return;
    }
    if (this.#closed) {
      await listener.close().catch(() => {});
      return;
    }
    this.#listener = listener;
    this.#delayMs = this.#minDelayMs;
    this.#setConnected({ connected: true });
  }

  #setConnected(change: WakeupConnectionChange): void {
    if (this.#connected === change.connected) return;
    this.#connected = change.connected;
    for (const listener of this.#changes) {
      try {
        listener(change);
      } catch {
        // A monitoring hook must not break reconnection.
      }
    }
    // Waiters armed while connected would otherwise sleep through the outage for their whole
    // re-read interval, and wake-ups published while this listener was away are gone for good.
    this.#local.wakeAll();
  }
}
