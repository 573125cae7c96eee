import Database from 'better-sqlite3';

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
/** Stands in for a stored hash where there is none, so every check costs one scrypt run. */
const DUMMY_HASH = `${'A'.repeat(22)}==:${'A'.repeat(43)}=`;

export interface User {
  id: string;
  username: string;
}

/** The sample app's own accounts (first factor only): usernames and scrypt password hashes. */
export class UserDirectory {
  readonly #db: Database.Database;

  constructor(filename: string) {
    // Usernames and password hashes: readable by the app's own user only (SQLite gives its -wal
    // and -shm files the same mode).
    if (!existsSync(filename)) writeFileSync(filename, '', { mode: 0o600, flag: 'wx' });
    this.#db = new Database(filename);
    this.#db.pragma('journal_mode = WAL');
    this.#db.exec(`CREATE TABLE IF NOT EXISTS users (
      id TEXT PRIMARY KEY,
      username TEXT NOT NULL UNIQUE COLLATE NOCASE,
      password_hash TEXT NOT NULL
    )`);
  }

  async create(username: string, password: string): Promise<User | null> {
    const salt = randomBytes(16);
    const hash = await scryptAsync(password.normalize('NFKC'), salt, 32);
    const user = { id: randomBytes(12).toString('base64url'), username };
    const result = this.#db
      .prepare('INSERT OR IGNORE INTO users (id, username, password_hash) VALUES (?, ?, ?)')
      .run(user.id, username, `${salt.toString('base64')}:${hash.toString('base64')}`);
    return result.changes === 1 ? user : null;
  }

  async verify(username: string, password: string): Promise<User | null> {
    const row = this.#db.prepare('SELECT id, username, password_hash FROM users WHERE username = ?').get(username) as
      | { id: string; username: string; password_hash: string }
      | undefined;
    // Hash even for unknown users so response time does not reveal which usernames exist.
    const ok = await matches(password, row?.password_hash ?? DUMMY_HASH);
    return row && ok ? { id: row.id, username: row.username } : null;
  }

  /** The cost of verify() without an account: passport-mfa's appPasswords.dummyPasswordCheck. */
  async dummyCheck(password: string): Promise<void> {
    await matches(password, DUMMY_HASH);
  }

  find(id: string): User | null {
    const row = this.#db.prepare('SELECT id, username FROM users WHERE id = ?').get(id) as User | undefined;
    return row ?? null;
  }

  findByUsername(username: string): User | null {
    const row = this.#db.prepare('SELECT id, username FROM users WHERE username = ?').get(username) as User | undefined;
    return row ?? null;
  }

  close(): void {
    this.#db.close();
  }
}

async function matches(password: string, stored: string): Promise<boolean> {
  const [salt, expected] = stored.split(':');
  const actual = await scryptAsync(password.normalize('NFKC'), Buffer.from(salt!, 'base64'), 32);
  return timingSafeEqual(actual, Buffer.from(expected!, 'base64'));
}
