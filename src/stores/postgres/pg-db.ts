import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * int8 (bigint) columns hold milliseconds since the epoch and counters, all far below 2^53: read
 * them as numbers. Per query, so the host's own queries on a shared pool keep pg's defaults.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** One SQL statement, prepared once per connection under a name derived from its text. */
export interface Statement {
  name: string;
  text: string;
}

export function statement(text: string): Statement {
  return { name: `passport_mfa_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text };
}

/**
 * A SELECT list that names each column after its record field (`user_id AS "userId"`), so rows
 * come back as records, with no mapping code.
 */
export function selectList(fields: Record<string, string>): string {
  return Object.entries(fields).map(([field, column]) => `${column} AS "${field}"`).join(', ');
}

/** Runs statements on a connection or pool. */
export interface Queryable {
  rows<R>(sql: Statement, values?: unknown[]): Promise<R[]>;
  /** How many rows the statement changed (or returned). */
  count(sql: Statement, values?: unknown[]): Promise<number>;
}

type Client = pg.Pool | pg.PoolClient;

function on(client: Client, isOpen: () => void): Queryable {
  const run = async (sql: Statement, values: unknown[] = []) => {
    isOpen();
    return client.query({ name: sql.name, text: sql.text, values, types });
  };
  return {
    rows: async <R>(sql: Statement, values?: unknown[]) => (await run(sql, values)).rows as R[],
    count: async (sql: Statement, values?: unknown[]) => (await run(sql, values)).rowCount ?? 0,
  };
}

/**
 * The pool a PostgresStore's facets share: every statement is prepared by name, every call after
 * close() throws (also when the pool is the host's and stays open), and transactions are short
 * and on one connection.
 */
export class PgDb implements Queryable {
  readonly #pool: pg.Pool;
  readonly #direct: Queryable;
  #closed = false;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.#direct = on(pool, () => this.#assertOpen());
  }

  rows<R>(sql: Statement, values?: unknown[]): Promise<R[]> {
    return this.#direct.rows<R>(sql, values);
  }

  count(sql: Statement, values?: unknown[]): Promise<number> {
    return this.#direct.count(sql, values);
  }

  /** Runs `work` in one transaction (READ COMMITTED); rolls back and rethrows on any error. */
  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    this.#assertOpen();
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(on(client, () => this.#assertOpen()));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection itself failed: the pool must not hand it out again.
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** A connection of its own for the migration, released (destroyed when `broken`) by the caller. */
  connect(): Promise<pg.PoolClient> {
    this.#assertOpen();
    return this.#pool.connect();
  }

  close(): void {
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('PostgresStore: the store is closed');
  }
}
