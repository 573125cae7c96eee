import { createClient } from 'redis';
import type { RedisClientOptions } from 'redis';
import { ConfigurationError } from '../errors.js';
import { checkHealthCheckMs, SharedWakeup } from './shared-wakeup.js';
import type { Listener, ReconnectOptions } from './shared-wakeup.js';

export interface RedisWakeupOptions extends ReconnectOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). Required. */
  url: string;
  /**
   * More node-redis client options (TLS, credentials provider, connect timeout...) for both of
   * its connections; reconnection is handled by RedisWakeup itself. @default {}
   */
  clientOptions?: Omit<RedisClientOptions, 'url'>;
  /** The pub/sub channel; instances wake each other only on the same one. @default 'mfa:wakeup' */
  channel?: string;
  /** How often each connection sends PING, in ms, so a silently dropped one is noticed. @default 10000 */
  healthCheckMs?: number;
}

export const REDIS_WAKEUP_DEFAULTS = { channel: 'mfa:wakeup', healthCheckMs: 10_000 } as const;

type Client = ReturnType<typeof createClient>;

/** The two connections of one instance. */
interface RedisListener extends Listener {
  publisher: Client;
}

/**
 * Wake-ups shared by every app instance through Redis pub/sub (node-redis v5): per instance a
 * subscriber connection and a publishing one, opened (and re-opened after a loss) together, so
 * `connected` means both work. Create it with `await RedisWakeup.connect({ url })`, pass it as
 * createMfa's `wakeup`, and close() it on shutdown.
 */
export class RedisWakeup extends SharedWakeup<RedisListener> {
  readonly #options: RedisClientOptions;
  readonly #channel: string;

  private constructor(options: RedisWakeupOptions) {
    super('RedisWakeup', options);
    const { url, clientOptions = {}, channel = REDIS_WAKEUP_DEFAULTS.channel, healthCheckMs = REDIS_WAKEUP_DEFAULTS.healthCheckMs } = options;
    if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) {
      throw new ConfigurationError(`RedisWakeup: \`url\` must be a redis:// or rediss:// URL (e.g. 'redis://127.0.0.1:6379').`);
    }
    if (typeof channel !== 'string' || channel.length === 0 || channel.length > 200) {
      throw new ConfigurationError(`RedisWakeup: \`channel\` must be a string of 1 to 200 characters (got ${JSON.stringify(channel)}).`);
    }
    // Reconnection is SharedWakeup's (fresh connections each time), so these clients never retry,
    // and publishing fails fast instead of queueing while Redis is away.
    this.#options = {
      ...clientOptions,
      url,
      pingInterval: checkHealthCheckMs('RedisWakeup', healthCheckMs),
      disableOfflineQueue: true,
      socket: { ...clientOptions.socket, reconnectStrategy: false },
    };
    this.#channel = channel;
  }

  /** Connects and subscribes; rejects (a wrong URL, no server) instead of starting disconnected. */
  static async connect(options: RedisWakeupOptions): Promise<RedisWakeup> {
    if (typeof options !== 'object' || options === null) {
      throw new ConfigurationError("RedisWakeup: pass an options object, e.g. RedisWakeup.connect({ url: 'redis://127.0.0.1:6379' }).");
    }
    const wakeup = new RedisWakeup(options);
    await wakeup.start();
    return wakeup;
  }

  protected async openListener(onMessage: (message: string) => void, onLost: (error: Error) => void): Promise<RedisListener> {
    const clients = [createClient(this.#options), createClient(this.#options)] as const;
    for (const client of clients) {
      client.on('error', (error: Error) => onLost(error));
      client.on('end', () => onLost(new Error('RedisWakeup: a connection ended')));
    }
    const [subscriber, publisher] = clients;
    const close = async (): Promise<void> => {
      for (const client of clients) if (client.isOpen) client.destroy();
    };
    try {
      await Promise.all(clients.map((client) => client.connect()));
      await subscriber.subscribe(this.#channel, (message) => onMessage(message));
    } catch (error) {
      await close();
      throw error;
    }
    return { close, publisher };
  }

  protected async send(message: string, listener: RedisListener | null): Promise<void> {
    if (!listener) throw new Error('RedisWakeup: not connected');
    await listener.publisher.publish(this.#channel, message);
  }

  protected async closeTransport(): Promise<void> {}
}
