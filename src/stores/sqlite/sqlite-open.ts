import Database from 'better-sqlite3';
import { closeSync, openSync } from 'node:fs';
import { ConfigurationError } from '../../errors.js';
import type { SqliteStoreOptions } from './sqlite-store.js';

const TABLE_PREFIX = /^[a-z_][a-z0-9_]*$/i;

/** Checks SqliteStore's options and opens the database (WAL, foreign keys); ConfigurationError says what is wrong. */
export function openSqlite(options: SqliteStoreOptions): { db: Database.Database; tablePrefix: string } {
  const { filename, tablePrefix, busyTimeoutMs } = validate(options);
  return { db: open(filename, busyTimeoutMs), tablePrefix };
}

function validate(options: SqliteStoreOptions): Required<SqliteStoreOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError("SqliteStore: pass an options object, e.g. new SqliteStore({ filename: 'mfa.db' }).");
  }
  const { filename, tablePrefix = 'mfa_', busyTimeoutMs = 5000 } = options;
  if (typeof filename !== 'string' || filename.trim() === '') {
    throw new ConfigurationError(
      "SqliteStore: `filename` is required: the path of the database file (or ':memory:' in tests).",
    );
  }
  if (typeof tablePrefix !== 'string' || !TABLE_PREFIX.test(tablePrefix)) {
    throw new ConfigurationError(
      `SqliteStore: \`tablePrefix\` must be letters, digits and underscores, not starting with a digit ` +
        `(got ${JSON.stringify(tablePrefix)}). It is used verbatim in table names.`,
    );
  }
  // SQLite takes the timeout as a C int.
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0 || busyTimeoutMs > 0x7fffffff) {
    throw new ConfigurationError(
      'SqliteStore: `busyTimeoutMs` must be a non-negative integer number of milliseconds ' +
        `(got ${JSON.stringify(busyTimeoutMs)}).`,
    );
  }
  return { filename, tablePrefix, busyTimeoutMs };
}

/**
 * Creates a new database file readable by its owner only (0600): it holds phone numbers and
 * sealed secrets. SQLite gives its -wal and -shm files the database file's mode. An existing file
 * keeps its mode.
 */
function createPrivately(filename: string): void {
  try {
    closeSync(openSync(filename, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

function open(filename: string, busyTimeoutMs: number): Database.Database {
  let db: Database.Database;
  try {
    if (filename !== ':memory:') createPrivately(filename);
    db = new Database(filename, { timeout: busyTimeoutMs });
  } catch (error) {
    throw new ConfigurationError(
      `SqliteStore: cannot open database ${JSON.stringify(filename)}: ${(error as Error).message}. ` +
        'Check that its directory exists and is writable.',
    );
  }
  try {
    // WAL lets readers proceed while another process writes. Switching to it takes a lock another
    // process may briefly hold, hence `timeout` above. An in-memory database has no file for a
    // log (SQLite would silently keep 'memory').
    if (filename !== ':memory:') enableWal(db, busyTimeoutMs);
    db.pragma('foreign_keys = ON');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Switching a fresh file to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY at once
 * (without its busy handler) when several processes open the same new file together; so retry,
 * briefly blocking, for up to the busy timeout. Once the file is in WAL mode nothing is switched.
 */
function enableWal(db: Database.Database, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; ; attempt++) {
    try {
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
      Atomics.wait(pause, 0, 0, Math.min(50, 5 * (attempt + 1)));
    }
  }
}
