import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ConfigurationError } from '../../src/errors.js';
import { LATEST_SCHEMA_VERSION } from '../../src/stores/sqlite/sqlite-migrations.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import type { SqliteStoreOptions } from '../../src/stores/sqlite/sqlite-store.js';
import { makeCredential, makeFactor, storeConformance } from 'passport-mfa/testing';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'passport-mfa-sqlite-'));
}

storeConformance('SqliteStore (file)', () => {
  const dir = tempDir();
  return {
    store: new SqliteStore({ filename: join(dir, 'mfa.db') }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
});

storeConformance('SqliteStore (:memory:)', () => new SqliteStore({ filename: ':memory:' }));

const T0 = 1_700_000_000_000;
const policy = { now: T0, threshold: 5, lockMs: 60_000, hardLimit: 1_000 };

describe('SqliteStore', () => {
  let dir: string;
  let filename: string;
  const opened: SqliteStore[] = [];

  function open(options: Partial<SqliteStoreOptions> = {}): SqliteStore {
    const store = new SqliteStore({ filename, ...options });
    opened.push(store);
    return store;
  }

  function schemaVersions(prefix = 'mfa_'): unknown[] {
    const raw = new Database(filename, { readonly: true });
    try {
      return raw.prepare(`SELECT id, version FROM ${prefix}schema_version`).all();
    } finally {
      raw.close();
    }
  }

  beforeEach(() => {
    dir = tempDir();
    filename = join(dir, 'mfa.db');
  });

  afterEach(async () => {
    // Some tests close their stores themselves; closing twice is harmless.
    for (const store of opened.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps data after close and reopen', async () => {
    const factor = makeFactor({ confirmedAt: T0 });
    const first = open();
    await first.core.createFactor(factor);
    await first.core.consumeTimeStep(factor.id, 42, T0 + 1);
    await first.core.recordFailure('alice', policy);
    await first.close();

    const second = open();
    assert.deepEqual(await second.core.getFactor(factor.id), { ...factor, lastStep: 42, lastUsedAt: T0 + 1 });
    assert.equal(await second.core.consumeTimeStep(factor.id, 42, T0 + 2), false);
    assert.equal((await second.core.getLockout('alice')).failures, 1);
  });

  it('applies migrations once: reopening leaves the schema at the latest version', async () => {
    await open().close();
    assert.deepEqual(schemaVersions(), [{ id: 1, version: LATEST_SCHEMA_VERSION }]);
    open();
    open();
    assert.deepEqual(schemaVersions(), [{ id: 1, version: LATEST_SCHEMA_VERSION }]);
  });

  it('refuses a database migrated by a newer passport-mfa', async () => {
    await open().close();
    const raw = new Database(filename);
    raw.prepare('UPDATE mfa_schema_version SET version = ?').run(LATEST_SCHEMA_VERSION + 1);
    raw.close();
    assert.throws(() => open(), ConfigurationError);
  });

  it('upgrades a database of schema version 5 to the credential, recovery-code and session-generation tables and the default factor, keeping its data', async () => {
    const factor = makeFactor();
    const first = open();
    await first.core.createFactor(factor);
    await first.close();
    // What the previous release left: version 5, without migration 6's tables and 7's column.
    const raw = new Database(filename);
    raw.exec('DROP TABLE mfa_credentials; DROP TABLE mfa_recovery_codes; DROP TABLE mfa_session_generations; ALTER TABLE mfa_factors DROP COLUMN preferred_at');
    raw.prepare('UPDATE mfa_schema_version SET version = 5').run();
    raw.close();

    const upgraded = open();
    assert.deepEqual(schemaVersions(), [{ id: 1, version: LATEST_SCHEMA_VERSION }]);
    assert.deepEqual(await upgraded.core.getFactor(factor.id), factor);
    const credential = makeCredential();
    assert.equal(await upgraded.credentials.create(credential), true);
    await upgraded.recoveryCodes.replace('alice', ['d1', 'd2']);
    assert.equal(await upgraded.sessionGenerations.bump('alice'), 1);
    assert.deepEqual(await upgraded.credentials.findByCredentialId(credential.credentialId), credential);
    assert.equal(await upgraded.recoveryCodes.countRemaining('alice'), 2);
    await upgraded.core.confirmFactor('alice', factor.id, 5);
    assert.equal(await upgraded.core.preferFactor('alice', factor.id, 6), true);
    assert.equal((await upgraded.core.getFactor(factor.id))?.preferredAt, 6);
  });

  it('opens a file in WAL mode', async () => {
    open();
    const raw = new Database(filename, { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
  });

  // Attack: another local account (a shared host, a backup job, a compromised service) reading the
  // database, which holds phone numbers and sealed seeds.
  it('creates its database, WAL and shared-memory files readable by their owner only; an existing file keeps its mode', async () => {
    const store = open();
    await store.rateLimits.hit('k', 60_000, 0);
    for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) {
      assert.equal(statSync(file).mode & 0o777, 0o600, file);
    }
    const existing = join(dir, 'existing.db');
    writeFileSync(existing, '', { mode: 0o640 });
    chmodSync(existing, 0o640);
    open({ filename: existing });
    assert.equal(statSync(existing).mode & 0o777, 0o640);
  });

  it('keeps stores with different table prefixes apart in one database', async () => {
    const a = open({ tablePrefix: 'mfa_' });
    const b = open({ tablePrefix: 'other_mfa_' });
    const factor = makeFactor();
    await a.core.createFactor(factor);
    await a.core.recordFailure('alice', policy);
    assert.equal(await b.core.getFactor(factor.id), null);
    assert.equal((await b.core.getLockout('alice')).failures, 0);
    assert.deepEqual(schemaVersions('other_mfa_'), [{ id: 1, version: LATEST_SCHEMA_VERSION }]);
  });

  it('shares lockouts and replay protection between two instances on one file', async () => {
    const a = open();
    const b = open();
    const factor = makeFactor({ confirmedAt: T0 });
    await a.core.createFactor(factor);

    assert.equal(await a.core.consumeTimeStep(factor.id, 100, T0), true);
    assert.equal(await b.core.consumeTimeStep(factor.id, 100, T0), false, 'step replayed through another instance');
    assert.equal(await b.core.consumeTimeStep(factor.id, 101, T0), true);
    assert.equal(await a.core.consumeTimeStep(factor.id, 101, T0), false);

    for (let i = 0; i < 3; i++) await a.core.recordFailure('alice', policy);
    for (let i = 0; i < 2; i++) await b.core.recordFailure('alice', policy);
    assert.deepEqual(await a.core.getLockout('alice'), { failures: 5, lockedUntil: T0 + 60_000, hardLocked: false });
    await b.core.resetFailures('alice');
    assert.equal((await a.core.getLockout('alice')).failures, 0);
  });

  describe('rejects bad options with ConfigurationError', () => {
    const cases: Array<[string, unknown]> = [
      ['no options', undefined],
      ['missing filename', {}],
      ['empty filename', { filename: '' }],
      ['tablePrefix with a dash', { filename: ':memory:', tablePrefix: 'mfa-' }],
      ['tablePrefix starting with a digit', { filename: ':memory:', tablePrefix: '1mfa_' }],
      ['tablePrefix with SQL in it', { filename: ':memory:', tablePrefix: 'x; DROP TABLE users; --' }],
      ['empty tablePrefix', { filename: ':memory:', tablePrefix: '' }],
      ['negative busyTimeoutMs', { filename: ':memory:', busyTimeoutMs: -1 }],
      ['fractional busyTimeoutMs', { filename: ':memory:', busyTimeoutMs: 1.5 }],
      ['string busyTimeoutMs', { filename: ':memory:', busyTimeoutMs: '5000' }],
    ];
    for (const [label, options] of cases) {
      it(label, () => {
        assert.throws(() => new SqliteStore(options as SqliteStoreOptions), ConfigurationError);
      });
    }

    it('a directory that does not exist', () => {
      assert.throws(
        () => new SqliteStore({ filename: join(dir, 'missing', 'mfa.db') }),
        (error: unknown) => error instanceof ConfigurationError && /directory exists/.test(error.message),
      );
    });
  });

  describe('atomicity across processes', { timeout: 120_000 }, () => {
    const CHILDREN = 4;
    // A broken (read-then-write) store only loses when two processes hit the same step inside
    // its tiny race window, so these tests are a net, not a proof: many rounds make a catch
    // likely (a read-then-write consumeTimeStep was caught in about half of the runs).
    const STEPS = 2000;

    it('of several processes consuming the same step, exactly one wins', async () => {
      const factor = makeFactor({ confirmedAt: T0 });
      const setup = open();
      await setup.core.createFactor(factor);
      const ops: ChildOp[] = [{ op: 'consume', factorId: factor.id, step: 7 }];
      const results = await runInChildren(filename, Array<ChildOp[]>(CHILDREN).fill(ops));
      assert.equal(results.flat().filter((accepted) => accepted === true).length, 1);
      assert.equal((await setup.core.getFactor(factor.id))?.lastStep, 7);
    });

    it('no step is accepted twice while processes race through the same sequence of steps', async () => {
      const factor = makeFactor({ confirmedAt: T0 });
      await open().core.createFactor(factor);
      const steps = Array.from({ length: STEPS }, (_, i) => i + 1);
      const ops = steps.map((step): ChildOp => ({ op: 'consume', factorId: factor.id, step }));
      const results = await runInChildren(filename, Array<ChildOp[]>(CHILDREN).fill(ops));
      const acceptedSteps = results.flatMap((perChild) => steps.filter((_, i) => perChild[i] === true));
      assert.equal(new Set(acceptedSteps).size, acceptedSteps.length, 'a step was accepted by two processes');
      assert.ok(acceptedSteps.includes(STEPS), 'the last step is always accepted by someone');
    });

    it('no failure is lost while processes record failures for the same user', async () => {
      const perChild = 200;
      const ops = Array.from({ length: perChild }, (): ChildOp => ({ op: 'fail', userId: 'alice' }));
      const results = await runInChildren(filename, Array<ChildOp[]>(CHILDREN).fill(ops));
      const counts = results.flat() as number[];
      assert.deepEqual(
        counts.sort((a, b) => a - b),
        Array.from({ length: CHILDREN * perChild }, (_, i) => i + 1),
      );
      assert.equal((await open().core.getLockout('alice')).failures, CHILDREN * perChild);
    });

    it('several processes can open the same new file at once (each switches it to WAL)', async () => {
      // A fresh file: no process has switched it to WAL yet, so they contend for that lock.
      const fresh = `${filename}.fresh`;
      const results = await runInChildren(fresh, Array<ChildOp[]>(CHILDREN).fill([{ op: 'hit', key: 'opened' }]));
      assert.deepEqual((results.flat() as number[]).sort((a, b) => a - b), Array.from({ length: CHILDREN }, (_, i) => i + 1));
    });

    it('no rate-limit hit is lost, and a limit is never overrun, while processes hit the same key', async () => {
      const perChild = 200;
      const limit = CHILDREN * perChild - 150;
      const hits = (key: string, withLimit?: number) =>
        Array<ChildOp[]>(CHILDREN).fill(Array.from({ length: perChild }, (): ChildOp => ({ op: 'hit', key, limit: withLimit })));
      const [counter, reservation] = await Promise.all([runInChildren(filename, hits('counter')), runInChildren(filename, hits('reservation', limit))]);
      const all = CHILDREN * perChild;
      assert.deepEqual((counter.flat() as number[]).sort((a, b) => a - b), Array.from({ length: all }, (_, i) => i + 1));
      const counted = (reservation.flat() as number[]).filter((count) => count > 0).sort((a, b) => a - b);
      assert.deepEqual(counted, Array.from({ length: limit }, (_, i) => i + 1));
    });
  });
});

type ChildOp =
  | { op: 'consume'; factorId: string; step: number }
  | { op: 'fail'; userId: string }
  | { op: 'hit'; key: string; limit?: number };

// Runs in each child: open the store, report ready, then read the ops from stdin; the parent
// sends them to all children only once every child is ready, so they run at the same time.
const CHILD_SCRIPT = `
const { SqliteStore } = await import(process.env.PASSPORT_MFA_SQLITE_URL);
const store = new SqliteStore({ filename: process.argv[1] });
process.stdout.write('ready\\n');
let input = '';
for await (const chunk of process.stdin) input += chunk;
const policy = { now: ${T0}, threshold: 5, lockMs: 60000, hardLimit: 1000000 };
const results = [];
for (const o of JSON.parse(input)) {
  if (o.op === 'consume') results.push(await store.core.consumeTimeStep(o.factorId, o.step, ${T0}));
  else if (o.op === 'fail') results.push((await store.core.recordFailure(o.userId, policy)).failures);
  else {
    // A refused hit reports 0, so the parent sees which hits were counted and with what count.
    const hit = await store.rateLimits.hit(o.key, 3600000, ${T0}, o.limit);
    results.push(hit.counted ? hit.count : 0);
  }
}
await store.close();
process.stdout.write(JSON.stringify(results) + '\\n');
`;

/** Runs each list of ops in its own Node process against the compiled SqliteStore. */
async function runInChildren(filename: string, opsPerChild: ChildOp[][]): Promise<unknown[][]> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PASSPORT_MFA_SQLITE_URL: new URL('../../src/stores/sqlite/sqlite-store.js', import.meta.url).href,
  };
  // Otherwise a child would believe it runs under this test runner.
  delete env.NODE_TEST_CONTEXT;

  const children = opsPerChild.map((ops) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT, filename], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let onReady: () => void;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.startsWith('ready\n')) onReady();
    });
    const done = new Promise<unknown[]>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== 0) return reject(new Error(`child exited with ${code}: ${stderr}`));
        resolve(JSON.parse(stdout.slice('ready\n'.length)) as unknown[]);
      });
    });
    return { child, ops, ready, done };
  });

  // A child that dies before "ready" rejects `done`, so race it against `ready` to fail fast;
  // then end the others too, or they would wait on stdin forever and hold the test run open.
  try {
    await Promise.all(children.map(({ ready, done }) => Promise.race([ready, done])));
    for (const { child, ops } of children) child.stdin.end(JSON.stringify(ops));
    return await Promise.all(children.map(({ done }) => done));
  } catch (error) {
    for (const { child } of children) child.kill();
    throw error;
  }
}
