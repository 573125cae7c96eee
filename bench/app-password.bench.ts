/**
 * App-password benchmark: what HTTP Basic with an app password (mfa.appPasswordStrategy) costs an
 * endpoint. One in-process Express 5 app on loopback serves the same small JSON at /open (no
 * auth) and /mail (passport.authenticate('mfa-app-password', { session: false })); both are
 * loaded in turn (A B A B A B) so that drift of the machine affects both alike. Then a
 * micro-benchmark runs the check itself (parse, rate-limit lookup, HMAC, indexed lookup, success)
 * in a loop on one core. Reports requests/s, the ratio, and checks/s against the target of
 * 10 000/s per core; it does not assert on speed. It exits non-zero only if the measurement is
 * invalid (a response other than 200 means the success path was not what got measured).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import express from 'express';
import passport from 'passport';
import { createMfa, SqliteStore } from '../src/index.js';
import type { AppPasswordStrategy } from '../src/index.js';
import { AppPasswordMethod } from '../src/methods/app-password.js';
import { DEFAULTS } from '../src/options.js';

const CONNECTIONS = 10;
const SECONDS_PER_RUN = 3;
const ROUNDS = 3;
const WARMUP_SECONDS = 1;
const MICRO_MS = 1500;
const TARGET_CHECKS_PER_SECOND = 10_000;
/** Far above the expected ~22 s; a hung run must not hold CI. */
const WATCHDOG_MS = 60_000;
const SECRET_KEY = '0f'.repeat(32);
const USER = { id: 'u1', username: 'alice' };

type Label = 'no auth' | 'app password';
interface Run {
  label: Label;
  rps: number;
  p50: number;
  p99: number;
  bad: number;
}

async function startApp(dir: string) {
  const store = new SqliteStore({ filename: join(dir, 'mfa.db') });
  const mfa = createMfa({
    issuer: 'Contoso',
    store,
    secretKey: SECRET_KEY,
    onEvent: () => {},
    appPasswords: { findUser: (username) => (username === USER.username ? USER : null) },
  });
  const method = new AppPasswordMethod({
    store, keys: [{ id: 'k1', key: SECRET_KEY }], clock: Date.now, random: (n) => Buffer.from(crypto.getRandomValues(new Uint8Array(n))),
    settings: { ...DEFAULTS.appPasswords, findUser: undefined, verifyAccountPassword: undefined, realm: 'Contoso' },
  });
  const { password } = await method.create(USER.id, 'Benchmark');
  const pp = new passport.Passport();
  pp.use('mfa-app-password', mfa.appPasswordStrategy);
  const app = express();
  app.disable('x-powered-by');
  app.use(pp.initialize());
  const body = { user: USER.username, messages: [{ subject: 'Welcome' }] };
  app.get('/open', (_req, res) => res.json(body));
  app.get('/mail', pp.authenticate('mfa-app-password', { session: false }), (_req, res) => res.json(body));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const authorization = `Basic ${Buffer.from(`${USER.username}:${password}`).toString('base64')}`;
  for (const [path, headers] of [['/open', {}], ['/mail', { authorization }]] as const) {
    const check = await fetch(base + path, { headers });
    if (check.status !== 200) throw new Error(`${path} answered ${check.status}, not 200`);
  }
  return { server, store, base, authorization, strategy: mfa.appPasswordStrategy };
}

async function load(label: Label, url: string, headers: Record<string, string>, seconds: number): Promise<Run> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers, workers: 1 });
  return { label, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, bad: result.non2xx + result.errors + result.timeouts };
}

/** The strategy's whole check, as Passport runs it, back to back on this thread. */
async function microBenchmark(strategy: AppPasswordStrategy, authorization: string): Promise<{ checks: number; perSecond: number; failed: number }> {
  const req = { headers: { authorization }, ip: '127.0.0.1' } as never;
  let failed = 0;
  const once = () => new Promise<void>((resolve) => {
    strategy.authenticate.call({ success: () => resolve(), fail: () => { failed++; resolve(); }, error: () => { failed++; resolve(); } }, req);
  });
  for (let i = 0; i < 1000; i++) await once();
  let checks = 0;
  const start = performance.now();
  while (performance.now() - start < MICRO_MS) {
    for (let i = 0; i < 100; i++) await once();
    checks += 100;
  }
  return { checks, perSecond: checks / ((performance.now() - start) / 1000), failed };
}

function report(runs: Run[]): void {
  console.table(runs.map((r, i) => ({ run: i + 1, endpoint: r.label, 'req/s': Math.round(r.rps), 'p50 ms': r.p50, 'p99 ms': r.p99, 'non-2xx/errors': r.bad })));
  const median = (label: Label) => {
    const rps = runs.filter((r) => r.label === label).map((r) => r.rps).sort((a, b) => a - b);
    return rps[Math.floor(rps.length / 2)]!;
  };
  const open = median('no auth');
  const auth = median('app password');
  console.log(`median req/s: no auth ${Math.round(open)}, app password ${Math.round(auth)}; ratio app password/no auth: ${(auth / open).toFixed(3)}`);
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mfa-bench-'));
  const target = await startApp(dir);
  try {
    const open = () => [`${target.base}/open`, {}] as const;
    const mail = () => [`${target.base}/mail`, { authorization: target.authorization }] as const;
    console.log(`${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS_PER_RUN} s each (after a ${WARMUP_SECONDS} s warm-up each), SqliteStore`);
    await load('no auth', ...open(), WARMUP_SECONDS);
    await load('app password', ...mail(), WARMUP_SECONDS);
    const runs: Run[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      runs.push(await load('no auth', ...open(), SECONDS_PER_RUN), await load('app password', ...mail(), SECONDS_PER_RUN));
    }
    report(runs);
    const micro = await microBenchmark(target.strategy, target.authorization);
    console.log(
      `check itself (one core, SqliteStore): ${Math.round(micro.perSecond)} checks/s over ${micro.checks} checks; ` +
        `target >= ${TARGET_CHECKS_PER_SECOND}: ${micro.perSecond >= TARGET_CHECKS_PER_SECOND ? 'met' : 'NOT met'}`,
    );
    const bad = runs.reduce((sum, r) => sum + r.bad, 0) + micro.failed;
    if (bad > 0) {
      console.error(`INVALID: ${bad} requests or checks did not succeed, so the success path is not what was measured`);
      return 1;
    }
    return 0;
  } finally {
    target.server.closeAllConnections();
    await new Promise((resolve) => target.server.close(resolve));
    await target.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

setTimeout(() => {
  console.error(`bench: still running after ${WATCHDOG_MS / 1000} s, aborting`);
  process.exit(1);
}, WATCHDOG_MS).unref();
process.exitCode = await main();
