import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { StoreUnavailableError } from '../src/index.js';
import { dummyPasswordCheck, hashPassword, passwordMatches } from './password-hash.js';
import type { User, Users } from './users.js';

/**
 * The sample app's accounts in PostgreSQL (table `example_users`), so every instance sees every
 * account. Usernames are unique without regard to case, as in the SQLite directory.
 */
export class PostgresUserDirectory implements Users {
  private constructor(private readonly pool: pg.Pool) {}

  /** A query whose failure (database away) is a StoreUnavailableError: the request is refused with 503, never let through. */
  async #query<R extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, values);
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }

  /** Creates the table if needed (under an advisory lock: instances may start together). */
  static async open(pool: pg.Pool): Promise<PostgresUserDirectory> {
    await createTables(pool, `
      CREATE TABLE IF NOT EXISTS example_users (
        id            text PRIMARY KEY,
        username      text NOT NULL,
        password_hash text NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS example_users_username ON example_users (lower(username));
    `);
    return new PostgresUserDirectory(pool);
  }

  async create(username: string, password: string): Promise<User | null> {
    const user = { id: randomBytes(12).toString('base64url'), username };
    const result = await this.#query(
      'INSERT INTO example_users (id, username, password_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [user.id, username, await hashPassword(password)],
    );
    return result.rowCount === 1 ? user : null;
  }

  async verify(username: string, password: string): Promise<User | null> {
    const { rows } = await this.#query<User & { password_hash: string }>(
      'SELECT id, username, password_hash FROM example_users WHERE lower(username) = lower($1)',
      [username],
    );
    const row = rows[0];
    const ok = await passwordMatches(password, row?.password_hash);
    return row && ok ? { id: row.id, username: row.username } : null;
  }

  async find(id: string): Promise<User | null> {
    return (await this.#query<User>('SELECT id, username FROM example_users WHERE id = $1', [id])).rows[0] ?? null;
  }

  async findByUsername(username: string): Promise<User | null> {
    return (await this.#query<User>('SELECT id, username FROM example_users WHERE lower(username) = lower($1)', [username])).rows[0] ?? null;
  }

  dummyCheck(password: string): Promise<void> {
    return dummyPasswordCheck(password);
  }

  /** The pool belongs to the deployment, which ends it. */
  close(): void {}
}

/**
 * Runs `ddl` (IF NOT EXISTS statements) in one transaction under an advisory lock: two instances
 * creating the same table at once can otherwise fail on PostgreSQL's catalog.
 */
export async function createTables(pool: pg.Pool, ddl: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('passport-mfa example app tables'))");
    await client.query(ddl);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
