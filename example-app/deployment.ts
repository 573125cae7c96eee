import { join } from 'node:path';
import connectPgSimple from 'connect-pg-simple';
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import pg from 'pg';
import { createClient } from 'redis';
import { SqliteStore, StoreUnavailableError } from '../src/index.js';
import type { MfaStore, Wakeup } from '../src/index.js';
import { PostgresStore, PostgresWakeup } from '../src/postgres.js';
import { RedisWakeup } from '../src/redis.js';
import { createTables, PostgresUserDirectory } from './postgres-users.js';
import type { Users } from './users.js';

/** What the sample app runs on, as its environment chose it. */
export interface Deployment {
  /** Closed by the app that uses it, before close() ends the connections under it. */
  store: MfaStore;
  /** Shared wake-ups; undefined: in-process (one instance). */
  wakeup: Wakeup | undefined;
  /** Shared sessions; undefined: express-session's MemoryStore (one instance). */
  sessionStore: session.Store | undefined;
  /** The accounts, when they live in PostgreSQL; undefined: a SQLite file in the data directory. */
  users: Users | undefined;
  /** One line for the start-up log, e.g. "PostgreSQL store, Redis sessions and wake-ups". */
  summary: string;
  close(): Promise<void>;
}

/**
 * Reads the deployment from the environment, SQLite when nothing is set:
 * - MFA_STORE=sqlite|postgres (default sqlite) and MFA_STORE_URL (postgres://…, with postgres);
 * - REDIS_URL (redis://…), optional: sessions in Redis and wake-ups over Redis pub/sub. Without
 *   it, PostgreSQL keeps the sessions (connect-pg-simple) and wakes instances by LISTEN/NOTIFY,
 *   and SQLite keeps one instance's sessions in memory.
 * Throws, saying what to set, on anything else.
 */
export async function deploymentFromEnvironment(env: NodeJS.ProcessEnv, dataDir: string): Promise<Deployment> {
  const kind = env.MFA_STORE || 'sqlite';
  const storeUrl = env.MFA_STORE_URL || undefined;
  const redisUrl = env.REDIS_URL || undefined;
  if (kind !== 'sqlite' && kind !== 'postgres') throw new Error(`MFA_STORE must be "sqlite" or "postgres" (got ${JSON.stringify(kind)}).`);
  if (kind === 'postgres' && !storeUrl) throw new Error('MFA_STORE=postgres needs MFA_STORE_URL, e.g. postgres://user@127.0.0.1:5432/mfa.');
  if (kind === 'sqlite' && storeUrl) throw new Error('MFA_STORE_URL is set, but MFA_STORE is not "postgres": set MFA_STORE=postgres to use it.');

  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne();
  };
  try {
    const redis = redisUrl ? await openRedis(redisUrl, closers) : null;
    if (kind === 'sqlite') {
      const store = new SqliteStore({ filename: join(dataDir, 'mfa.db') });
      return { store, wakeup: redis?.wakeup, sessionStore: redis?.sessions, users: undefined, summary: redis ? 'SQLite store, Redis sessions and wake-ups' : 'SQLite store, in-memory sessions', close };
    }
    const pool = new pg.Pool({ connectionString: storeUrl, max: 20, keepAlive: true, connectionTimeoutMillis: 5_000 });
    // An idle connection broken by a database restart is dropped by the pool; without a listener it would end the process.
    pool.on('error', () => {});
    closers.push(() => pool.end());
    const store = await PostgresStore.open({ pool });
    const users = await PostgresUserDirectory.open(pool);
    if (redis) return { store, wakeup: redis.wakeup, sessionStore: redis.sessions, users, summary: 'PostgreSQL store, Redis sessions and wake-ups', close };
    const wakeup = await PostgresWakeup.connect({ pool });
    closers.push(() => wakeup.close());
    return { store, wakeup, sessionStore: await postgresSessions(pool, closers), users, summary: 'PostgreSQL store, sessions and LISTEN/NOTIFY wake-ups', close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function openRedis(url: string, closers: (() => Promise<void> | void)[]): Promise<{ sessions: session.Store; wakeup: Wakeup }> {
  // No offline queue: while Redis is away a session lookup fails at once (503) instead of hanging.
  const client = createClient({ url, disableOfflineQueue: true });
  client.on('error', () => {});
  await client.connect();
  closers.push(() => client.destroy());
  const wakeup = await RedisWakeup.connect({ url });
  closers.push(() => wakeup.close());
  return { sessions: failClosed(new RedisStore({ client, prefix: 'example:sess:' })), wakeup };
}

async function postgresSessions(pool: pg.Pool, closers: (() => Promise<void> | void)[]): Promise<session.Store> {
  // connect-pg-simple's own table, created here under the lock rather than by its createTableIfMissing.
  await createTables(pool, `
    CREATE TABLE IF NOT EXISTS example_sessions (
      sid    varchar NOT NULL PRIMARY KEY,
      sess   json NOT NULL,
      expire timestamp(6) NOT NULL
    );
    CREATE INDEX IF NOT EXISTS example_sessions_expire ON example_sessions (expire);
  `);
  const PgSessionStore = connectPgSimple(session);
  const store = new PgSessionStore({ pool, tableName: 'example_sessions', pruneSessionInterval: 60, errorLog: () => {} });
  closers.push(() => store.close());
  return failClosed(store);
}

type Done = (error?: unknown) => void;
const unavailable = (error: unknown) => (error ? new StoreUnavailableError(error) : undefined);

/**
 * A session store whose failures are StoreUnavailableError (503 with Retry-After): while Redis or
 * PostgreSQL is away, requests that need the session are refused, never let through without one.
 */
class FailClosedSessionStore extends session.Store {
  constructor(private readonly inner: session.Store) {
    super();
  }

  override get(sid: string, done: (error: unknown, data?: session.SessionData | null) => void): void {
    this.inner.get(sid, (error, data) => done(unavailable(error), data));
  }

  override set(sid: string, data: session.SessionData, done?: Done): void {
    this.inner.set(sid, data, (error) => done?.(unavailable(error)));
  }

  override destroy(sid: string, done?: Done): void {
    this.inner.destroy(sid, (error) => done?.(unavailable(error)));
  }

  override touch(sid: string, data: session.SessionData, done?: () => void): void {
    if (!this.inner.touch) return void done?.();
    // express-session's touch callback takes no error: a failed touch only shortens the session's life.
    this.inner.touch(sid, data, () => done?.());
  }
}

const failClosed = (inner: session.Store): session.Store => new FailClosedSessionStore(inner);
