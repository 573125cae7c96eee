import pg from 'pg';
import { ConfigurationError } from '../../errors.js';

/** Where a PostgreSQL component gets its connections: exactly one of the two. */
export interface PostgresConnectionOptions {
  /**
   * A `pg.Pool` the host already has (sharing its connection limits, TLS and credentials). It is
   * used as is and never ended by close(). @default none
   */
  pool?: pg.Pool;
  /**
   * A connection string such as `postgres://user@127.0.0.1:5432/mfa`; a pool of up to 10
   * connections is then created and ended by close(). @default none
   */
  connectionString?: string;
}

/** The pool to use and whether it is ours to end; ConfigurationError unless exactly one source is given. */
export function openPool(owner: string, options: PostgresConnectionOptions): { pool: pg.Pool; owned: boolean } {
  const { pool, connectionString } = options;
  if ((pool === undefined) === (connectionString === undefined)) {
    throw new ConfigurationError(
      `${owner}: pass exactly one of \`pool\` (a pg.Pool) or \`connectionString\` (e.g. 'postgres://user@127.0.0.1:5432/mfa').`,
    );
  }
  if (pool !== undefined) {
    if (typeof pool !== 'object' || pool === null || typeof (pool as pg.Pool).query !== 'function' || typeof (pool as pg.Pool).connect !== 'function') {
      throw new ConfigurationError(`${owner}: \`pool\` must be a pg.Pool (new pg.Pool({ connectionString })).`);
    }
    return { pool, owned: false };
  }
  if (typeof connectionString !== 'string' || !/^postgres(ql)?:\/\//.test(connectionString)) {
    throw new ConfigurationError(`${owner}: \`connectionString\` must be a postgres:// URL (e.g. 'postgres://user@127.0.0.1:5432/mfa').`);
  }
  const own = new pg.Pool({ connectionString, keepAlive: true });
  // An idle connection that breaks (server restart) is dropped by the pool; without a listener the
  // 'error' event would end the process. The next query opens a fresh connection.
  own.on('error', () => {});
  return { pool: own, owned: true };
}

/** The settings for one more connection like the pool's (a LISTEN connection must stay out of the pool). */
export function clientConfig(pool: pg.Pool): pg.ClientConfig {
  return { ...pool.options, keepAlive: true };
}

/** A double-quoted SQL identifier, for names checked against IDENTIFIER beforehand. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Names used verbatim in SQL: letters, digits and underscores, not starting with a digit, at most 50 characters. */
export const IDENTIFIER = /^[a-z_][a-z0-9_]{0,49}$/i;
