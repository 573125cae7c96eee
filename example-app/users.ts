import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { dummyPasswordCheck, hashPassword, passwordMatches } from './password-hash.js';

export interface User {
  id: string;
  username: string;
}

/** Where the sample app keeps its own accounts (first factor only): UserDirectory or PostgresUserDirectory. */
export interface Users {
  /** The new user, or null when the username (compared without case) is taken. */
  create(username: string, password: string): Promise<User | null>;
  /** The user when the password is theirs, else null (taking as long for unknown usernames). */
  verify(username: string, password: string): Promise<User | null>;
  find(id: string): User | null | Promise<User | null>;
  findByUsername(username: string): User | null | Promise<User | null>;
  /** Costs what verify() costs, for a request without an account (passport-mfa's appPasswords.dummyPasswordCheck). */
  dummyCheck(password: string): Promise<void>;
  close(): void;
}

/** The sample app's own accounts in a SQLite file: usernames and scrypt password hashes. */
export class UserDirectory implements Users {
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
    const user = { id: randomBytes(12).toString('base64url'), username };
    const result = this.#db
      .prepare('INSERT OR IGNORE INTO users (id, username, password_hash) VALUES (?, ?, ?)')
      .run(user.id, username, await hashPassword(password));
    return result.changes === 1 ? user : null;
  }

  async verify(username: string, password: string): Promise<User | null> {
    const row = this.#db.prepare('SELECT id, username, password_hash FROM users WHERE username = ?').get(username) as
      | { id: string; username: string; password_hash: string }
      | undefined;
    const ok = await passwordMatches(password, row?.password_hash);
    return row && ok ? { id: row.id, username: row.username } : null;
  }

  /** The cost of verify() without an account: passport-mfa's appPasswords.dummyPasswordCheck. */
  dummyCheck(password: string): Promise<void> {
    return dummyPasswordCheck(password);
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
