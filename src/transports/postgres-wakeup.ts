import pg from 'pg';
import { ConfigurationError } from '../errors.js';
import { clientConfig, IDENTIFIER, openPool, quoteIdentifier } from '../stores/postgres/pool.js';
import type { PostgresConnectionOptions } from '../stores/postgres/pool.js';
import { checkHealthCheckMs, SharedWakeup } from './shared-wakeup.js';
import type { Listener, ReconnectOptions } from './shared-wakeup.js';

export interface PostgresWakeupOptions extends PostgresConnectionOptions, ReconnectOptions {
  /**
   * The NOTIFY channel; instances wake each other only on the same one (letters, digits and
   * underscores). @default 'mfa_wakeup'
   */
  channel?: string;
  /**
   * How often the listening connection runs a query to prove it is alive, in ms, so a connection
   * dropped without a word (a dead NAT entry) is noticed and replaced. @default 10000
   */
  healthCheckMs?: number;
}

export const POSTGRES_WAKEUP_DEFAULTS = { channel: 'mfa_wakeup', healthCheckMs: 10_000 } as const;

/**
 * Wake-ups shared by every app instance through PostgreSQL's LISTEN/NOTIFY: one dedicated
 * listening connection per instance (outside the pool) and NOTIFY through the pool. Create it with
 * `await PostgresWakeup.connect({ connectionString })` (or `{ pool }`), pass it as createMfa's
 * `wakeup`, and close() it on shutdown.
 */
export class PostgresWakeup extends SharedWakeup {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #channel: string;
  readonly #healthCheckMs: number;

  private constructor(options: PostgresWakeupOptions) {
    super('PostgresWakeup', options);
    const { channel = POSTGRES_WAKEUP_DEFAULTS.channel, healthCheckMs = POSTGRES_WAKEUP_DEFAULTS.healthCheckMs } = options;
    if (typeof channel !== 'string' || !IDENTIFIER.test(channel)) {
      throw new ConfigurationError(`PostgresWakeup: \`channel\` must be letters, digits and underscores, not starting with a digit (got ${JSON.stringify(channel)}).`);
    }
    const { pool, owned } = openPool('PostgresWakeup', options);
    this.#pool = pool;
    this.#ownsPool = owned;
    this.#channel = channel;
    this.#healthCheckMs = checkHealthCheckMs('PostgresWakeup', healthCheckMs);
  }

  /** Connects and starts listening; rejects (a wrong URL, no server) instead of starting disconnected. */
  static async connect(options: PostgresWakeupOptions): Promise<PostgresWakeup> {
    if (typeof options !== 'object' || options === null) {
      throw new ConfigurationError("PostgresWakeup: pass an options object, e.g. PostgresWakeup.connect({ connectionString: 'postgres://…' }).");
    }
    const wakeup = new PostgresWakeup(options);
    await wakeup.start();
    return wakeup;
  }

  protected async openListener(onMessage: (message: string) => void, onLost: (error: Error) => void): Promise<Listener> {
    // A query that hangs on a half-open connection must fail the health check, not wait for ever.
    const client = new pg.Client({ ...clientConfig(this.#pool), query_timeout: this.#healthCheckMs, connectionTimeoutMillis: this.#healthCheckMs });
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('PostgresWakeup: the listening connection ended')));
    client.on('notification', (n) => {
      if (n.channel === this.#channel && n.payload) onMessage(n.payload);
    });
    let timer: NodeJS.Timeout | undefined;
    const close = async (): Promise<void> => {
      clearInterval(timer);
      await client.end();
    };
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(this.#channel)}`);
    } catch (error) {
      await close().catch(() => {});
      throw error;
    }
    timer = setInterval(() => client.query('SELECT 1').catch(onLost), this.#healthCheckMs).unref();
    return { close };
  }

  protected async send(message: string): Promise<void> {
    await this.#pool.query('SELECT pg_notify($1, $2)', [this.#channel, message]);
  }

  protected async closeTransport(): Promise<void> {
    if (this.#ownsPool) await this.#pool.end().catch(() => {});
  }
}
