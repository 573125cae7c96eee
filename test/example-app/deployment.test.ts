import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { deploymentFromEnvironment } from '../../example-app/deployment.js';
import type { Deployment } from '../../example-app/deployment.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { PostgresWakeup } from '../../src/transports/postgres-wakeup.js';
import { RedisWakeup } from '../../src/transports/redis-wakeup.js';
import { PostgresServer } from '../support/postgres-server.js';
import { RedisServer } from '../support/redis-server.js';
import { freePort } from '../support/server-process.js';

const run = promisify(execFile);

/** What a deployment is made of, by class name, and its start-up line. */
function shape(d: Deployment) {
  return {
    store: d.store.constructor.name,
    wakeup: d.wakeup?.constructor.name ?? 'in-process',
    sessions: d.sessionStore === undefined ? 'in-memory' : 'shared',
    users: d.users === undefined ? 'sqlite' : 'postgres',
    summary: d.summary,
  };
}

// The sample app reads MFA_STORE, MFA_STORE_URL and REDIS_URL; everything else is SQLite.
describe('the sample app picks its store, sessions and wake-ups from its environment', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'passport-mfa-deployment-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Opens the deployment `env` asks for, returns its shape, and closes it. */
  async function open(env: NodeJS.ProcessEnv) {
    const deployment = await deploymentFromEnvironment(env, dataDir);
    try {
      return shape(deployment);
    } finally {
      await deployment.store.close?.();
      await deployment.close();
    }
  }

  it('nothing set: SQLite, sessions in memory, wake-ups in the process', async () => {
    assert.deepEqual(await open({}), { store: SqliteStore.name, wakeup: 'in-process', sessions: 'in-memory', users: 'sqlite', summary: 'SQLite store, in-memory sessions' });
    assert.deepEqual((await open({ MFA_STORE: 'sqlite', MFA_STORE_URL: '', REDIS_URL: '' })).summary, 'SQLite store, in-memory sessions');
  });

  it('refuses settings that do not fit together, saying what to set', async () => {
    await assert.rejects(deploymentFromEnvironment({ MFA_STORE: 'mysql' }, dataDir), /MFA_STORE must be "sqlite" or "postgres" \(got "mysql"\)/);
    await assert.rejects(deploymentFromEnvironment({ MFA_STORE: 'postgres' }, dataDir), /MFA_STORE=postgres needs MFA_STORE_URL/);
    await assert.rejects(deploymentFromEnvironment({ MFA_STORE_URL: 'postgres://mfa@127.0.0.1:5432/mfa' }, dataDir), /set MFA_STORE=postgres to use it/);
  });

  it('`npm start` with a wrong setting or no database ends at once with one line saying which', { timeout: 30_000 }, async () => {
    const start = (env: Record<string, string>) =>
      run(process.execPath, ['dist/example-app/server.js'], { env: { ...process.env, DATA_DIR: dataDir, PORT: '0', ...env }, timeout: 20_000 });
    const failure = (pattern: RegExp) => (e: { code: number; stderr: string }) => e.code === 1 && pattern.test(e.stderr) && e.stderr.trim().split('\n').length === 1;
    await assert.rejects(start({ MFA_STORE: 'mysql' }), failure(/^passport-mfa example app: MFA_STORE must be "sqlite" or "postgres"/));
    const nowhere = `postgres://mfa@127.0.0.1:${await freePort()}/mfa`;
    await assert.rejects(start({ MFA_STORE: 'postgres', MFA_STORE_URL: nowhere }), failure(/^passport-mfa example app: .*ECONNREFUSED/));
  });

  describe('with PostgreSQL and Redis servers', { skip: PostgresServer.missing() || RedisServer.missing() }, () => {
    let pgServer: PostgresServer | null = null;
    let redis: RedisServer | null = null;
    before(async () => {
      const startedPg = await PostgresServer.start();
      const startedRedis = await RedisServer.start();
      if ('skip' in startedPg || 'skip' in startedRedis) throw new Error('a server went missing after the suite was planned');
      [pgServer, redis] = [startedPg, startedRedis];
    });
    after(async () => {
      await redis?.destroy();
      await pgServer?.destroy();
    });

    it('MFA_STORE=postgres: store, accounts and sessions (connect-pg-simple) in PostgreSQL, wake-ups by LISTEN/NOTIFY', async () => {
      const env = { MFA_STORE: 'postgres', MFA_STORE_URL: await pgServer!.createDatabase('alone') };
      assert.deepEqual(await open(env), {
        store: PostgresStore.name, wakeup: PostgresWakeup.name, sessions: 'shared', users: 'postgres', summary: 'PostgreSQL store, sessions and LISTEN/NOTIFY wake-ups',
      });
      const [table] = await pgServer!.query<{ name: string | null }>("SELECT to_regclass('example_sessions')::text AS name", [], 'alone');
      assert.equal(table!.name, 'example_sessions', "connect-pg-simple's table");
    });

    it('MFA_STORE=postgres with REDIS_URL: sessions (connect-redis) and wake-ups (pub/sub) in Redis', async () => {
      const env = { MFA_STORE: 'postgres', MFA_STORE_URL: await pgServer!.createDatabase('with_redis'), REDIS_URL: redis!.url };
      assert.deepEqual(await open(env), {
        store: PostgresStore.name, wakeup: RedisWakeup.name, sessions: 'shared', users: 'postgres', summary: 'PostgreSQL store, Redis sessions and wake-ups',
      });
      assert.deepEqual(await open({ REDIS_URL: redis!.url }), {
        store: SqliteStore.name, wakeup: RedisWakeup.name, sessions: 'shared', users: 'sqlite', summary: 'SQLite store, Redis sessions and wake-ups',
      });
    });
  });
});
