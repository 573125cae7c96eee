import type Database from 'better-sqlite3';
import { ConfigurationError } from '../../errors.js';

/** Returns the SQL (one or more statements) that moves the schema up by one version. */
export type Migration = (prefix: string) => string;

/**
 * The schema history, oldest first; version N is reached by applying the first N entries.
 * Append to change the schema. Never edit or reorder an entry once released: databases in the
 * field have already applied it and will not run it again.
 */
export const MIGRATIONS: readonly Migration[] = [
  // 1: factors and lockouts.
  (p) => `
    CREATE TABLE ${p}factors (
      id            TEXT PRIMARY KEY NOT NULL,
      user_id       TEXT NOT NULL,
      type          TEXT NOT NULL,
      label         TEXT NOT NULL,
      sealed_secret TEXT,
      data          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
      created_at    INTEGER NOT NULL,
      confirmed_at  INTEGER,
      last_used_at  INTEGER,
      last_step     INTEGER
    );
    CREATE INDEX ${p}factors_user_id ON ${p}factors (user_id, created_at);
    CREATE TABLE ${p}lockouts (
      user_id      TEXT PRIMARY KEY NOT NULL,
      failures     INTEGER NOT NULL,
      locked_until INTEGER,
      hard_locked  INTEGER NOT NULL DEFAULT 0 CHECK (hard_locked IN (0, 1))
    );
  `,
  // 2: rate-limit counters (every feature's, by key namespace) and phone codes (hashes only).
  (p) => `
    CREATE TABLE ${p}rate_limits (
      key      TEXT PRIMARY KEY NOT NULL,
      count    INTEGER NOT NULL,
      reset_at INTEGER NOT NULL
    );
    CREATE INDEX ${p}rate_limits_reset_at ON ${p}rate_limits (reset_at);
    CREATE TABLE ${p}phone_codes (
      user_id    TEXT NOT NULL,
      purpose    TEXT NOT NULL,
      code_hash  TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (user_id, purpose)
    );
  `,
  // 3: app passwords (only their HMAC; unique so a check is one indexed lookup).
  (p) => `
    CREATE TABLE ${p}app_passwords (
      id           TEXT PRIMARY KEY NOT NULL,
      user_id      TEXT NOT NULL,
      name         TEXT NOT NULL,
      hash         TEXT NOT NULL UNIQUE,
      scope        TEXT CHECK (scope IS NULL OR json_valid(scope)),
      created_at   INTEGER NOT NULL,
      expires_at   INTEGER,
      last_used_at INTEGER
    );
    CREATE INDEX ${p}app_passwords_user_id ON ${p}app_passwords (user_id, created_at);
  `,
  // 4: push notifications (devices, challenges, request nonces); push counts in rate_limits (2).
  (p) => `
    CREATE TABLE ${p}push_devices (
      id                    TEXT PRIMARY KEY NOT NULL,
      user_id               TEXT NOT NULL,
      activation_code_hash  TEXT NOT NULL,
      activation_expires_at INTEGER NOT NULL,
      activated_at          INTEGER,
      public_key            TEXT CHECK (public_key IS NULL OR json_valid(public_key)),
      name                  TEXT,
      pin_hash              TEXT,
      disabled_at           INTEGER,
      created_at            INTEGER NOT NULL
    );
    CREATE TABLE ${p}push_challenges (
      id             TEXT PRIMARY KEY NOT NULL,
      user_id        TEXT NOT NULL,
      factor_id      TEXT,
      number         TEXT NOT NULL,
      created_at     INTEGER NOT NULL,
      expires_at     INTEGER NOT NULL,
      context        TEXT NOT NULL CHECK (json_valid(context)),
      status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'fraud', 'failed')),
      resolved_at    INTEGER,
      resolved_by    TEXT,
      evidence       TEXT,
      consumed_at    INTEGER,
      notice_seen_at INTEGER
    );
    CREATE INDEX ${p}push_challenges_user ON ${p}push_challenges (user_id, status, created_at);
    CREATE TABLE ${p}push_nonces (
      scope      TEXT NOT NULL,
      nonce      TEXT NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (scope, nonce)
    );
    CREATE INDEX ${p}push_nonces_expiry ON ${p}push_nonces (expires_at);
  `,
  // 5: Web Push subscriptions, one per push device.
  (p) => `
    CREATE TABLE ${p}push_subscriptions (
      device_id  TEXT PRIMARY KEY NOT NULL,
      user_id    TEXT NOT NULL,
      endpoint   TEXT NOT NULL,
      p256dh     TEXT NOT NULL,
      auth       TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX ${p}push_subscriptions_user ON ${p}push_subscriptions (user_id, created_at);
  `,
  // 6: WebAuthn credentials (credential_id unique across users), recovery code digests, and
  // per-user session generations.
  (p) => `
    CREATE TABLE ${p}credentials (
      id            TEXT PRIMARY KEY NOT NULL,
      user_id       TEXT NOT NULL,
      credential_id TEXT NOT NULL UNIQUE,
      public_key    BLOB NOT NULL,
      counter       INTEGER NOT NULL CHECK (counter >= 0),
      transports    TEXT NOT NULL CHECK (json_valid(transports)),
      name          TEXT NOT NULL,
      created_at    INTEGER NOT NULL,
      last_used_at  INTEGER
    );
    CREATE INDEX ${p}credentials_user ON ${p}credentials (user_id, created_at);
    CREATE TABLE ${p}recovery_codes (
      user_id TEXT NOT NULL,
      digest  TEXT NOT NULL,
      PRIMARY KEY (user_id, digest)
    ) WITHOUT ROWID;
    CREATE TABLE ${p}session_generations (
      user_id    TEXT PRIMARY KEY NOT NULL,
      generation INTEGER NOT NULL
    );
  `,
  // 7: the user's default method ("Make default" on Security info).
  (p) => `ALTER TABLE ${p}factors ADD COLUMN preferred_at INTEGER;`,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the prefix's tables up to LATEST_SCHEMA_VERSION. The version lives in a prefix-scoped
 * table rather than PRAGMA user_version because the database file may belong to the host app,
 * which may use user_version itself or host several prefixes.
 */
export function migrate(db: Database.Database, prefix: string): number {
  const versionTable = `${prefix}schema_version`;
  // IMMEDIATE takes the write lock before reading the version, so two processes starting at once
  // cannot both see version N and both apply migration N+1.
  const run = db.transaction((): number => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${versionTable} (
      id      INTEGER PRIMARY KEY CHECK (id = 1),
      version INTEGER NOT NULL
    )`);
    const row = db.prepare(`SELECT version FROM ${versionTable} WHERE id = 1`).get() as
      | { version: number }
      | undefined;
    const current = row?.version ?? 0;
    if (current > LATEST_SCHEMA_VERSION) {
      throw new ConfigurationError(
        `SqliteStore: tables with prefix "${prefix}" are at schema version ${current}, but this version of ` +
          `passport-mfa only knows up to ${LATEST_SCHEMA_VERSION}. Upgrade passport-mfa (never downgrade it ` +
          `against a migrated database).`,
      );
    }
    for (const migration of MIGRATIONS.slice(current)) db.exec(migration(prefix));
    db.prepare(
      `INSERT INTO ${versionTable} (id, version) VALUES (1, ?)
       ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
    ).run(LATEST_SCHEMA_VERSION);
    return LATEST_SCHEMA_VERSION;
  });
  return run.immediate();
}
