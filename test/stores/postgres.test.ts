import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { storeConformance } from 'passport-mfa/testing';
import { makeChallenge, makeDevice } from '../../src/testing/records.js';
import { PARALLEL } from '../../src/testing/store-per-test.js';
import { ConfigurationError } from '../../src/errors.js';
import { POSTGRES_SCHEMA_VERSION } from '../../src/stores/postgres/postgres-migrations.js';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { PostgresServer } from '../support/postgres-server.js';
import { waitUntil } from '../support/server-process.js';

const run = promisify(execFile);
const T0 = 1_700_000_000_000;

const started = await PostgresServer.start();
const server = 'skip' in started ? null : started;
const skip = 'skip' in started ? started.skip : false;
after(async () => server?.destroy());

if (server) {
  const url = await server.createDatabase('conformance');
  // One migrated schema, emptied before each test: much faster than a new schema per test.
  let tables: string | null = null;
  storeConformance('PostgresStore', async () => {
    if (tables) await server.query(`TRUNCATE ${tables} RESTART IDENTITY`, [], 'conformance');
    const store = await PostgresStore.open({ connectionString: url, sweepIntervalMs: 0 });
    tables ??= (await server.query<{ name: string }>(
      "SELECT string_agg(quote_ident(tablename), ', ') AS name FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'mfa\\_%' AND tablename <> 'mfa_schema_version'",
      [], 'conformance'))[0]!.name;
    return store;
  });
}

describe('PostgresStore', { skip }, () => {
  let databases = 0;
  /** A fresh, empty database for one test. */
  const database = () => server!.createDatabase(`t${++databases}`);

  it('instances opening a fresh database at once migrate it once (advisory lock), to the latest version', async () => {
    const url = await database();
    const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresStore.open({ connectionString: url, sweepIntervalMs: 0 })));
    await Promise.all(stores.map((s) => s.close()));
    assert.deepEqual(await server!.query('SELECT id, version FROM mfa_schema_version', [], `t${databases}`), [{ id: 1, version: POSTGRES_SCHEMA_VERSION }]);
    // The deploy-step migration, six at once on another fresh database: one migrates, five find nothing to do.
    const again = await database();
    const results = await Promise.all(Array.from({ length: 6 }, () => PostgresStore.migrate({ connectionString: again })));
    assert.deepEqual(results.map((r) => r.from).sort((x, y) => x - y), [0, ...Array(5).fill(POSTGRES_SCHEMA_VERSION)]);
  });

  it('keeps stores with another schema or tablePrefix apart in one database', async () => {
    const connectionString = await database();
    const plain = await PostgresStore.open({ connectionString, sweepIntervalMs: 0 });
    const prefixed = await PostgresStore.open({ connectionString, tablePrefix: 'tenant2_', sweepIntervalMs: 0 });
    const schemed = await PostgresStore.open({ connectionString, schema: 'auth', sweepIntervalMs: 0 });
    try {
      await plain.sessionGenerations.bump('alice');
      assert.equal(await plain.sessionGenerations.get('alice'), 1);
      assert.equal(await prefixed.sessionGenerations.get('alice'), 0);
      assert.equal(await schemed.sessionGenerations.get('alice'), 0);
      const tables = await server!.query<{ name: string }>(
        `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_name LIKE '%session_generations' ORDER BY 1`, [], `t${databases}`);
      assert.deepEqual(tables.map((r) => r.name), ['auth.mfa_session_generations', 'public.mfa_session_generations', 'public.tenant2_session_generations']);
    } finally {
      await Promise.all([plain.close(), prefixed.close(), schemed.close()]);
    }
  });

  it('uses a pg.Pool passed in and leaves it open on close()', async () => {
    const pool = new pg.Pool({ connectionString: await database() });
    try {
      const store = await PostgresStore.open({ pool, sweepIntervalMs: 0 });
      await store.close();
      await assert.rejects(store.core.getFactor('x'), /closed/, 'the facets refuse calls after close()');
      assert.deepEqual((await pool.query('SELECT 1 AS one')).rows, [{ one: 1 }], "the host's pool still works");
    } finally {
      await pool.end();
    }
  });

  it('with migrate: false refuses tables that are not migrated, saying how to migrate them', async () => {
    const connectionString = await database();
    await assert.rejects(PostgresStore.open({ connectionString, migrate: false }), (e: unknown) => e instanceof ConfigurationError && /schema version 0.*passport-mfa-migrate/s.test(e.message));
    await (await PostgresStore.open({ connectionString, sweepIntervalMs: 0 })).close();
    await (await PostgresStore.open({ connectionString, migrate: false, sweepIntervalMs: 0 })).close();
  });

  it('refuses tables migrated by a newer version instead of running against them', async () => {
    const connectionString = await database();
    await (await PostgresStore.open({ connectionString, sweepIntervalMs: 0 })).close();
    await server!.query(`UPDATE mfa_schema_version SET version = ${POSTGRES_SCHEMA_VERSION + 1}`, [], `t${databases}`);
    await assert.rejects(PostgresStore.open({ connectionString }), /Upgrade passport-mfa/);
  });

  // Attack: a phone's approvals (or a sign-in completing with one) race the removal of that phone.
  it('answers and sign-ins that wait on a device being disabled see it disabled once that commits (30 of each)', { timeout: 30_000 }, async () => {
    const connectionString = await database();
    const pool = new pg.Pool({ connectionString, max: 2 * PARALLEL });
    const store = await PostgresStore.open({ pool, sweepIntervalMs: 0 });
    const disabling = new pg.Client({ connectionString });
    await disabling.connect();
    try {
      const device = makeDevice({ activatedAt: T0, publicKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' } });
      await store.push.createDevice(device);
      const pending = makeChallenge();
      const approved = makeChallenge({ status: 'approved', resolvedBy: device.id, resolvedAt: T0 });
      await store.push.createChallenge(pending);
      await store.push.createChallenge(approved);

      await disabling.query('BEGIN');
      await disabling.query('UPDATE mfa_push_devices SET disabled_at = $1 WHERE id = $2', [T0, device.id]);
      const calls = Promise.all([
        ...Array.from({ length: PARALLEL }, () => store.push.resolveChallenge(pending.id, { status: 'approved', deviceId: device.id, evidence: null, now: T0 + 1 })),
        ...Array.from({ length: PARALLEL }, () => store.push.consumeChallenge(approved.id, T0 + 1)),
      ]);
      // Every call is under way and waits on the device row that the uncommitted disable holds.
      let settled: boolean[] | null = null;
      void calls.then((results) => (settled = results));
      await waitUntil('the calls did not all wait on the device row', 20_000, async () => {
        if (settled) return true;
        const [row] = await server!.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", [], `t${databases}`);
        return row!.n === 2 * PARALLEL;
      });
      assert.equal(settled, null, 'the calls ended without waiting for the disable (a device check that takes no lock)');
      await disabling.query('COMMIT');
      assert.deepEqual((await calls).filter(Boolean), []);
      assert.equal((await store.push.getChallenge(pending.id))?.status, 'pending');
      assert.equal((await store.push.getChallenge(approved.id))?.consumedAt, null);
    } finally {
      await disabling.end();
      await store.close();
      await pool.end();
    }
  });

  it('says what to fix in wrong options', async () => {
    const url = 'postgres://mfa@127.0.0.1:1/none';
    await assert.rejects(PostgresStore.open({}), /exactly one of `pool`/);
    await assert.rejects(PostgresStore.open({ connectionString: url, pool: {} as pg.Pool }), /exactly one of/);
    await assert.rejects(PostgresStore.open({ connectionString: url, tablePrefix: 'x; DROP TABLE y' }), /`tablePrefix` must be letters/);
    await assert.rejects(PostgresStore.open({ connectionString: url, schema: '1st' }), /`schema` must be letters/);
    await assert.rejects(PostgresStore.open({ connectionString: url, sweepIntervalMs: -1, sweepBatchSize: 0 }), /sweepIntervalMs.*\n.*sweepBatchSize/);
    await assert.rejects(PostgresStore.open({ connectionString: url, migrate: 'yes' as never }), /`migrate` must be true or false/);
  });

  it('sweeps expired short-lived rows in bounded batches, keeping live rows, recent challenges and unseen fraud reports', async () => {
    const now = T0 + 40 * 24 * 60 * 60_000;
    const store = await PostgresStore.open({ connectionString: await database(), sweepIntervalMs: 0, sweepBatchSize: 1_000, clock: () => now });
    try {
      await server!.query(`INSERT INTO mfa_push_nonces (scope, nonce, expires_at) SELECT 'd', 'n' || i, $1 FROM generate_series(1, 2500) i`, [now - 1], `t${databases}`);
      assert.equal(await store.push.consumeNonce('d', 'live', now + 60_000, now), true);
      await store.rateLimits.hit('old', 1_000, now - 5_000);
      await store.rateLimits.hit('live', 60_000, now);
      await store.phoneCodes.put({ userId: 'u', purpose: 'signin', codeHash: 'h', createdAt: now - 600_000, expiresAt: now - 300_000 });
      const challenge = (id: string, expiresAt: number, status: 'pending' | 'fraud', noticeSeenAt: number | null) => store.push.createChallenge({
        id, userId: 'u', factorId: null, number: '42', createdAt: expiresAt - 120_000, expiresAt, context: { ip: null, userAgent: null, time: expiresAt - 120_000 },
        status, resolvedAt: null, resolvedBy: null, evidence: null, consumedAt: null, noticeSeenAt,
      });
      const longAgo = now - 31 * 24 * 60 * 60_000;
      await challenge('old', longAgo, 'pending', null);
      await challenge('recent', now - 60_000, 'pending', null);
      await challenge('unseen-fraud', longAgo, 'fraud', null);
      await challenge('seen-fraud', longAgo, 'fraud', longAgo + 1);

      assert.deepEqual(await store.sweep(), { nonces: 1_000, rateLimits: 1, phoneCodes: 1, challenges: 2 });
      assert.deepEqual(await store.sweep(), { nonces: 1_000, rateLimits: 0, phoneCodes: 0, challenges: 0 });
      assert.deepEqual(await store.sweep(), { nonces: 500, rateLimits: 0, phoneCodes: 0, challenges: 0 });
      assert.equal(await store.push.consumeNonce('d', 'live', now + 60_000, now), false, 'a live nonce still refuses its replay');
      assert.equal((await store.rateLimits.get('live', now)).count, 1);
      assert.ok(await store.push.getChallenge('recent'));
      assert.ok(await store.push.getChallenge('unseen-fraud'));
      assert.equal(await store.push.getChallenge('old'), null);
    } finally {
      await store.close();
    }
  });

  it('runs the sweep on its own timer until the backlog is gone', { timeout: 20_000 }, async () => {
    const connectionString = await database();
    const store = await PostgresStore.open({ connectionString, sweepIntervalMs: 50, sweepBatchSize: 100, clock: () => T0 });
    try {
      await server!.query(`INSERT INTO mfa_push_nonces (scope, nonce, expires_at) SELECT 'd', 'n' || i, $1 FROM generate_series(1, 450) i`, [T0 - 1], `t${databases}`);
      await waitUntil('the timer did not sweep the 450 expired nonces', 10_000, async () => {
        const [row] = await server!.query<{ n: string }>('SELECT count(*) AS n FROM mfa_push_nonces', [], `t${databases}`);
        return row!.n === '0';
      });
    } finally {
      await store.close();
    }
  });

  it('`npx passport-mfa-migrate` checks and migrates a database, and says so', { timeout: 30_000 }, async () => {
    const url = await database();
    const cli = (...args: string[]) => run(process.execPath, ['dist/src/cli/migrate.js', ...args], { env: { ...process.env, MFA_STORE_URL: url } });
    await assert.rejects(cli('--check'), (e: { code: number; stderr: string }) => e.code === 1 && /schema version 0/.test(e.stderr));
    assert.match((await cli()).stdout, new RegExp(`migrated the tables from schema version 0 to ${POSTGRES_SCHEMA_VERSION}`));
    assert.match((await cli('--url', url)).stdout, /nothing to do/);
    assert.match((await cli('--check')).stdout, /up to date/);
    assert.match((await cli('--schema', 'other', '--table-prefix', 'x_')).stdout, /from schema version 0/);
    await assert.rejects(run(process.execPath, ['dist/src/cli/migrate.js'], { env: { ...process.env, MFA_STORE_URL: '' } }), (e: { code: number; stderr: string }) => e.code === 2 && /--url or set MFA_STORE_URL/.test(e.stderr));
  });
});
