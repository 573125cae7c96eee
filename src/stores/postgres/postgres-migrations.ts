import type pg from 'pg';
import { ConfigurationError } from '../../errors.js';
import type { PostgresNames } from './postgres-names.js';

/** Returns the SQL (one or more statements, no parameters) that moves the schema up by one version. */
export type PostgresMigration = (n: PostgresNames) => string;

/**
 * The schema history, oldest first; version N is reached by applying the first N entries.
 * Append to change the schema. Never edit or reorder an entry once released: databases in the
 * field have already applied it and will not run it again.
 *
 * Times are bigint milliseconds since the epoch (as the callers pass them). `seq` columns keep
 * insertion order for rows created in the same millisecond ("oldest first").
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  // 1: every facet.
  (n) => `
    CREATE TABLE ${n.table('factors')} (
      id            text PRIMARY KEY,
      user_id       text NOT NULL,
      type          text NOT NULL,
      label         text NOT NULL,
      sealed_secret text,
      data          jsonb NOT NULL DEFAULT '{}',
      created_at    bigint NOT NULL,
      confirmed_at  bigint,
      last_used_at  bigint,
      last_step     bigint,
      seq           bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX ${n.local('factors_user')} ON ${n.table('factors')} (user_id, created_at, seq);
    CREATE TABLE ${n.table('lockouts')} (
      user_id      text PRIMARY KEY,
      failures     integer NOT NULL,
      locked_until bigint,
      hard_locked  boolean NOT NULL DEFAULT false
    );
    CREATE TABLE ${n.table('rate_limits')} (
      key      text PRIMARY KEY,
      count    integer NOT NULL,
      reset_at bigint NOT NULL
    );
    CREATE INDEX ${n.local('rate_limits_reset_at')} ON ${n.table('rate_limits')} (reset_at);
    CREATE TABLE ${n.table('phone_codes')} (
      user_id    text NOT NULL,
      purpose    text NOT NULL,
      code_hash  text NOT NULL,
      created_at bigint NOT NULL,
      expires_at bigint NOT NULL,
      PRIMARY KEY (user_id, purpose)
    );
    CREATE INDEX ${n.local('phone_codes_expires_at')} ON ${n.table('phone_codes')} (expires_at);
    CREATE TABLE ${n.table('app_passwords')} (
      id           text PRIMARY KEY,
      user_id      text NOT NULL,
      name         text NOT NULL,
      hash         text NOT NULL UNIQUE,
      scope        jsonb,
      created_at   bigint NOT NULL,
      expires_at   bigint,
      last_used_at bigint,
      seq          bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX ${n.local('app_passwords_user')} ON ${n.table('app_passwords')} (user_id, created_at, seq);
    CREATE TABLE ${n.table('push_devices')} (
      id                    text PRIMARY KEY,
      user_id               text NOT NULL,
      activation_code_hash  text NOT NULL,
      activation_expires_at bigint NOT NULL,
      activated_at          bigint,
      public_key            jsonb,
      name                  text,
      pin_hash              text,
      disabled_at           bigint,
      created_at            bigint NOT NULL
    );
    CREATE TABLE ${n.table('push_challenges')} (
      id             text PRIMARY KEY,
      user_id        text NOT NULL,
      factor_id      text,
      number         text NOT NULL,
      created_at     bigint NOT NULL,
      expires_at     bigint NOT NULL,
      context        jsonb NOT NULL,
      status         text NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'fraud', 'failed')),
      resolved_at    bigint,
      resolved_by    text,
      evidence       text,
      consumed_at    bigint,
      notice_seen_at bigint,
      seq            bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX ${n.local('push_challenges_user')} ON ${n.table('push_challenges')} (user_id, status, created_at, seq);
    CREATE INDEX ${n.local('push_challenges_expires_at')} ON ${n.table('push_challenges')} (expires_at);
    CREATE TABLE ${n.table('push_nonces')} (
      scope      text NOT NULL,
      nonce      text NOT NULL,
      expires_at bigint NOT NULL,
      PRIMARY KEY (scope, nonce)
    );
    CREATE INDEX ${n.local('push_nonces_expires_at')} ON ${n.table('push_nonces')} (expires_at);
    CREATE TABLE ${n.table('push_subscriptions')} (
      device_id  text PRIMARY KEY,
      user_id    text NOT NULL,
      endpoint   text NOT NULL,
      p256dh     text NOT NULL,
      auth       text NOT NULL,
      created_at bigint NOT NULL,
      seq        bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX ${n.local('push_subscriptions_user')} ON ${n.table('push_subscriptions')} (user_id, created_at, seq);
    CREATE TABLE ${n.table('credentials')} (
      id            text PRIMARY KEY,
      user_id       text NOT NULL,
      credential_id text NOT NULL UNIQUE,
      public_key    bytea NOT NULL,
      counter       bigint NOT NULL,
      transports    jsonb NOT NULL DEFAULT '[]',
      name          text NOT NULL,
      created_at    bigint NOT NULL,
      last_used_at  bigint,
      seq           bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX ${n.local('credentials_user')} ON ${n.table('credentials')} (user_id, created_at, seq);
    CREATE TABLE ${n.table('recovery_codes')} (
      user_id text NOT NULL,
      digest  text NOT NULL,
      PRIMARY KEY (user_id, digest)
    );
    CREATE TABLE ${n.table('session_generations')} (
      user_id    text PRIMARY KEY,
      generation bigint NOT NULL
    );
  `,
  // 2: the user's default method ("Make default" on Security info).
  (n) => `ALTER TABLE ${n.table('factors')} ADD COLUMN preferred_at bigint;`,
];

export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.length;

/** Advisory-lock class of passport-mfa's migrations (the other half of the key is the store's name). */
const MIGRATION_LOCK_CLASS = 0x6d6661; // 'mfa'

/** What migratePostgres() did. */
export interface MigrationResult {
  /** The version found (0: a fresh database). */
  from: number;
  /** The version now (POSTGRES_SCHEMA_VERSION). */
  to: number;
}

/**
 * Brings the store's tables up to POSTGRES_SCHEMA_VERSION in one transaction under an advisory
 * lock, so instances starting together migrate once (the others wait, then find nothing to do)
 * and a failed migration leaves the previous version intact.
 */
export async function migratePostgres(client: pg.PoolClient, n: PostgresNames): Promise<MigrationResult> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, n.lockKey]);
    if (n.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${n.schema}`);
    const versionTable = n.table('schema_version');
    await client.query(`CREATE TABLE IF NOT EXISTS ${versionTable} (
      id      integer PRIMARY KEY CHECK (id = 1),
      version integer NOT NULL
    )`);
    const from = await readVersion(client, versionTable);
    for (const migration of POSTGRES_MIGRATIONS.slice(from)) await client.query(migration(n));
    await client.query(
      `INSERT INTO ${versionTable} (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
      [POSTGRES_SCHEMA_VERSION],
    );
    await client.query('COMMIT');
    return { from, to: POSTGRES_SCHEMA_VERSION };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** Throws a ConfigurationError unless the store's tables are at POSTGRES_SCHEMA_VERSION (for `migrate: false`). */
export async function assertMigrated(client: pg.PoolClient, n: PostgresNames): Promise<void> {
  const exists = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [n.table('schema_version')]);
  const version = exists.rows[0]?.found ? await readVersion(client, n.table('schema_version')) : 0;
  if (version !== POSTGRES_SCHEMA_VERSION) {
    throw new ConfigurationError(
      `PostgresStore: the tables are at schema version ${version}, this version of passport-mfa needs ${POSTGRES_SCHEMA_VERSION}. ` +
        'Run `npx passport-mfa-migrate` (see docs/multi-instance.md) or open the store with `migrate: true`.',
    );
  }
}

async function readVersion(client: pg.PoolClient, versionTable: string): Promise<number> {
  const result = await client.query<{ version: number }>(`SELECT version FROM ${versionTable} WHERE id = 1`);
  const version = result.rows[0]?.version ?? 0;
  if (version > POSTGRES_SCHEMA_VERSION) {
    throw new ConfigurationError(
      `PostgresStore: the tables are at schema version ${version}, but this version of passport-mfa only knows up to ` +
        `${POSTGRES_SCHEMA_VERSION}. Upgrade passport-mfa (never downgrade it against a migrated database).`,
    );
  }
  return version;
}
