import type pg from 'pg';
import { ConfigurationError } from '../../errors.js';
import type { MfaStore } from '../mfa-store.js';
import { PgDb } from './pg-db.js';
import { IDENTIFIER, openPool } from './pool.js';
import type { PostgresConnectionOptions } from './pool.js';
import { PostgresAppPasswords } from './postgres-app-passwords.js';
import { PostgresCore } from './postgres-core.js';
import { PostgresCredentials } from './postgres-credentials.js';
import { assertMigrated, migratePostgres } from './postgres-migrations.js';
import type { MigrationResult } from './postgres-migrations.js';
import { postgresNames } from './postgres-names.js';
import { PostgresPhoneCodes } from './postgres-phone-codes.js';
import { PostgresPushSubscriptions } from './postgres-push-subscriptions.js';
import { PostgresPush } from './postgres-push.js';
import { PostgresRateLimits } from './postgres-rate-limits.js';
import { PostgresRecoveryCodes } from './postgres-recovery-codes.js';
import { PostgresSessionGenerations } from './postgres-session-generations.js';
import { PostgresSweep } from './postgres-sweep.js';
import type { SweepResult } from './postgres-sweep.js';

export interface PostgresStoreOptions extends PostgresConnectionOptions {
  /**
   * The PostgreSQL schema holding the tables, created by the migration if missing (letters,
   * digits and underscores). @default none: the connection's search_path (usually `public`)
   */
  schema?: string;
  /**
   * Prepended to every table name, so the store can live in the host app's own database
   * (letters, digits and underscores, not starting with a digit). @default 'mfa_'
   */
  tablePrefix?: string;
  /**
   * Apply pending migrations when the store opens, under an advisory lock (instances starting
   * together migrate once). `false` for hosts that migrate in their deploy step
   * (`npx passport-mfa-migrate`) and run the app with fewer privileges: opening then only checks
   * that the tables are current, and fails with a ConfigurationError if not. @default true
   */
  migrate?: boolean;
  /**
   * How often expired nonces, rate-limit windows, phone codes and old push challenges are swept,
   * in ms; 0 turns the timer off (call `store.sweep()` from your own scheduler). When a sweep
   * finds more than one batch, the next runs a second later. @default 60000
   */
  sweepIntervalMs?: number;
  /** The most rows of each kind one sweep deletes (1 to 100000). @default 1000 */
  sweepBatchSize?: number;
  /**
   * How long a push challenge is kept after it expired, in ms, with the signed answer it holds
   * as evidence (0 to 365 days). Unseen fraud reports are kept until the user has seen them.
   * @default 2592000000 (30 days)
   */
  challengeRetentionMs?: number;
  /** The sweep's clock (every other time is passed in by the caller). @default Date.now */
  clock?: () => number;
}

export const POSTGRES_STORE_DEFAULTS = {
  tablePrefix: 'mfa_',
  migrate: true,
  sweepIntervalMs: 60_000,
  sweepBatchSize: 1_000,
  challengeRetentionMs: 30 * 24 * 60 * 60_000,
} as const;

/** The sweep runs again this soon (or at its interval, if shorter) when it found more than one batch. */
const BACKLOG_SWEEP_MS = 1_000;

type Settings = Required<Omit<PostgresStoreOptions, keyof PostgresConnectionOptions | 'schema'>> & { schema: string | undefined };

/**
 * Persists everything in PostgreSQL through `pg`, with every facet, for hosts that run several
 * app instances. Every atomic operation is one statement (a conditional UPDATE or DELETE, an
 * upsert) or a short transaction under a per-user advisory lock; none reads in JavaScript and
 * then writes. Open it with `await PostgresStore.open({ connectionString })` (or `{ pool }`).
 */
export class PostgresStore implements MfaStore {
  readonly core: PostgresCore;
  readonly rateLimits: PostgresRateLimits;
  readonly phoneCodes: PostgresPhoneCodes;
  readonly appPasswords: PostgresAppPasswords;
  readonly push: PostgresPush;
  readonly pushSubscriptions: PostgresPushSubscriptions;
  readonly credentials: PostgresCredentials;
  readonly recoveryCodes: PostgresRecoveryCodes;
  readonly sessionGenerations: PostgresSessionGenerations;
  readonly #db: PgDb;
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #settings: Settings;
  readonly #sweeper: PostgresSweep;
  #sweepTimer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(options: PostgresStoreOptions, settings: Settings) {
    const { pool, owned } = openPool('PostgresStore', options);
    this.#pool = pool;
    this.#ownsPool = owned;
    this.#settings = settings;
    const db = new PgDb(pool);
    const n = postgresNames(settings.schema, settings.tablePrefix);
    this.#db = db;
    this.core = new PostgresCore(db, n);
    this.rateLimits = new PostgresRateLimits(db, n);
    this.phoneCodes = new PostgresPhoneCodes(db, n);
    this.appPasswords = new PostgresAppPasswords(db, n);
    this.push = new PostgresPush(db, n);
    this.pushSubscriptions = new PostgresPushSubscriptions(db, n);
    this.credentials = new PostgresCredentials(db, n);
    this.recoveryCodes = new PostgresRecoveryCodes(db, n);
    this.sessionGenerations = new PostgresSessionGenerations(db, n);
    this.#sweeper = new PostgresSweep(db, n, { batchSize: settings.sweepBatchSize, challengeRetentionMs: settings.challengeRetentionMs });
  }

  /**
   * Connects, migrates (or, with `migrate: false`, checks the schema version) and starts the
   * sweep. Rejects with a ConfigurationError for wrong options or an outdated schema, and with
   * the driver's error when the database cannot be reached.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(options, resolveSettings(options));
    try {
      await store.#withClient<unknown>((client, n) => (store.#settings.migrate ? migratePostgres(client, n) : assertMigrated(client, n)));
    } catch (error) {
      await store.close();
      throw error;
    }
    store.#scheduleSweep(store.#settings.sweepIntervalMs);
    return store;
  }

  /** Applies pending migrations and closes again: what `npx passport-mfa-migrate` runs. */
  static async migrate(options: PostgresStoreOptions): Promise<MigrationResult> {
    const store = new PostgresStore(options, resolveSettings(options));
    try {
      return await store.#withClient(migratePostgres);
    } finally {
      await store.close();
    }
  }

  /** Deletes one batch of each kind of expired short-lived row now; the timer calls it too. */
  sweep(): Promise<SweepResult> {
    return this.#sweeper.sweep(this.#settings.clock());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#sweepTimer);
    this.#db.close();
    if (this.#ownsPool) await this.#pool.end();
  }

  async #withClient<T>(work: (client: pg.PoolClient, n: ReturnType<typeof postgresNames>) => Promise<T>): Promise<T> {
    const client = await this.#db.connect();
    let failed: Error | undefined;
    try {
      return await work(client, postgresNames(this.#settings.schema, this.#settings.tablePrefix));
    } catch (error) {
      failed = error as Error;
      throw error;
    } finally {
      client.release(failed);
    }
  }

  #scheduleSweep(delayMs: number): void {
    if (this.#closed || this.#settings.sweepIntervalMs === 0) return;
    this.#sweepTimer = setTimeout(() => void this.#sweepNow(), delayMs);
    // The sweep never keeps a process alive that has nothing else to do.
    this.#sweepTimer.unref();
  }

  async #sweepNow(): Promise<void> {
    let next: number = this.#settings.sweepIntervalMs;
    try {
      if (this.#sweeper.isFull(await this.sweep())) next = Math.min(next, BACKLOG_SWEEP_MS);
    } catch {
      // The database is away (every request reports that as 503 meanwhile); try at the next interval.
    }
    this.#scheduleSweep(next);
  }
}

function resolveSettings(options: PostgresStoreOptions): Settings {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError("PostgresStore: pass an options object, e.g. PostgresStore.open({ connectionString: 'postgres://…' }).");
  }
  const d = POSTGRES_STORE_DEFAULTS;
  const {
    schema, tablePrefix = d.tablePrefix, migrate = d.migrate, sweepIntervalMs = d.sweepIntervalMs,
    sweepBatchSize = d.sweepBatchSize, challengeRetentionMs = d.challengeRetentionMs, clock = Date.now,
  } = options;
  const problems: string[] = [];
  if (schema !== undefined && (typeof schema !== 'string' || !IDENTIFIER.test(schema))) {
    problems.push(`\`schema\` must be letters, digits and underscores, not starting with a digit (got ${JSON.stringify(schema)})`);
  }
  if (typeof tablePrefix !== 'string' || !(tablePrefix === '' || IDENTIFIER.test(tablePrefix))) {
    problems.push(`\`tablePrefix\` must be letters, digits and underscores, not starting with a digit (got ${JSON.stringify(tablePrefix)})`);
  }
  if (typeof migrate !== 'boolean') problems.push('`migrate` must be true or false');
  const integer = (name: string, value: unknown, min: number, max: number) => {
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
      problems.push(`\`${name}\` must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
    }
  };
  integer('sweepIntervalMs', sweepIntervalMs, 0, 24 * 60 * 60_000);
  integer('sweepBatchSize', sweepBatchSize, 1, 100_000);
  integer('challengeRetentionMs', challengeRetentionMs, 0, 365 * 24 * 60 * 60_000);
  if (typeof clock !== 'function') problems.push('`clock` must be a function returning milliseconds');
  if (problems.length > 0) throw new ConfigurationError(`PostgresStore: invalid options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return { schema, tablePrefix, migrate, sweepIntervalMs, sweepBatchSize, challengeRetentionMs, clock };
}
