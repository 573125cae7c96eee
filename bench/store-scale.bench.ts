/**
 * Store benchmark: the whole second step over HTTP (POST /mfa/verify with a valid code: session,
 * CSRF, lockout, unsealing, ±1 step, the atomic replay refusal, reset, a new session id) on
 * SQLite and on PostgreSQL, each with 1 000 and with 1 000 000 enrolled users (seeded in bulk),
 * and a bare endpoint on the same host stack that only runs otplib's verify. Each server runs in
 * its own process; the runs alternate between them after a warm-up, every request on its own
 * half-signed-in session. Reports latency p50/p99 per configuration, the 1 M / 1 k p99 ratio of
 * each store (target ≤ 1.5) and the throughput ratios; it asserts nothing about speed. It exits
 * non-zero only if the measurement is invalid (a failed verification means the success path was
 * not what got measured). PostgreSQL is started by the bench (initdb into a temp folder, default
 * durability settings); SQLite's file is in the temp folder too.
 *
 * Run: npm run bench:stores   (node dist/bench/store-scale.bench.js [--large=N] [--rounds=N]: N users instead of
 * 1 000 000, N alternating rounds instead of 3)
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import http from 'node:http';
import { PostgresServer } from '../test/support/postgres-server.js';
import { totpCode } from '../test/support/mfa-flow.js';
import { abortAfter } from './alternating-load.js';
import { ask } from './child-process.js';
import { median, percentile } from './stats.js';
import { ACTIVE_USERS, requestTime } from './store-scale-protocol.js';
import type { ServerConfig, ServerMessage } from './store-scale-protocol.js';

const SMALL = 1_000;
const LARGE = Number(process.argv.find((a) => a.startsWith('--large='))?.slice(8) ?? 1_000_000);
const CONNECTIONS = 16;
const REQUESTS_PER_RUN = 2_000;
const WARMUP_REQUESTS = 500;
const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 3);
const TARGET_P99_RATIO = 1.5;
/** Seeding a million rows into each store takes a few minutes on a busy machine. */
const WATCHDOG_MS = 40 * 60_000;

interface Server {
  label: string;
  child: ChildProcess;
  ready: Extract<ServerMessage, { type: 'ready' }>;
  /** Verification requests built so far (the server counts the same ones). */
  sent: number;
}

interface Run {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  bad: number;
}

const origin = Date.now();
const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

/** POSTs a form; resolves with the status once the whole answer has arrived. */
function post(url: string, cookie: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function start(label: string, config: Omit<ServerConfig, 'origin'>): Promise<Server> {
  const child = fork(fileURLToPath(new URL('./store-scale-server.js', import.meta.url)), [JSON.stringify({ ...config, origin })]);
  const ready = await ask<ServerMessage, 'ready'>(child, 'ready');
  console.log(`  ${label}: ready (set-up and seeding ${(ready.seedMs / 1000).toFixed(1)} s)`);
  return { label, child, ready, sent: 0 };
}

/** `count` verifications, CONNECTIONS at a time, users in turn, each on a session seeded just before. */
async function load(server: Server, count: number): Promise<Run> {
  const first = server.sent;
  const users = Array.from({ length: count }, (_, i) => (first + i) % ACTIVE_USERS);
  const { cookies } = await ask<ServerMessage, 'seeded'>(server.child, 'seeded', JSON.stringify(users));
  const latencies: number[] = [];
  let bad = 0;
  let next = 0;
  const began = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    for (let i = next++; i < count; i = next++) {
      const k = server.sent++;
      const fields = { ...server.ready.fields, code: totpCode(server.ready.secrets[users[i]!]!, requestTime(origin, k)) };
      const t0 = performance.now();
      const status = await post(server.ready.url, cookies[i]!, new URLSearchParams(fields).toString());
      latencies.push(performance.now() - t0);
      if (status !== 303) bad++;
    }
  }));
  return { label: server.label, rps: count / ((performance.now() - began) / 1000), p50: percentile(latencies, 50), p99: percentile(latencies, 99), bad };
}

async function main(): Promise<void> {
  abortAfter(WATCHDOG_MS);
  console.log(`Second-step verification over HTTP: ${SMALL.toLocaleString('en')} vs ${LARGE.toLocaleString('en')} enrolled users (${ACTIVE_USERS} of them verifying), SQLite vs PostgreSQL vs a bare otplib endpoint`);
  // Commits wait for the disk, as in production (and as SQLite's do).
  const pgServer = await PostgresServer.start({ durable: true });
  if ('skip' in pgServer) throw new Error(pgServer.skip);
  const servers: Server[] = [];
  try {
    servers.push(await start('bare otplib', { kind: 'bare', enrolled: 0 }));
    servers.push(await start('SQLite, 1 k users', { kind: 'sqlite', enrolled: SMALL }));
    servers.push(await start(`SQLite, ${LARGE / 1000} k users`, { kind: 'sqlite', enrolled: LARGE }));
    servers.push(await start('PostgreSQL, 1 k users', { kind: 'postgres', enrolled: SMALL, databaseUrl: await pgServer.createDatabase('small') }));
    servers.push(await start(`PostgreSQL, ${LARGE / 1000} k users`, { kind: 'postgres', enrolled: LARGE, databaseUrl: await pgServer.createDatabase('large') }));

    for (const s of servers) await load(s, WARMUP_REQUESTS);
    const runs: Run[] = [];
    for (let round = 0; round < ROUNDS; round++) for (const s of servers) runs.push(await load(s, REQUESTS_PER_RUN));
    console.log(`${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${REQUESTS_PER_RUN} verifications each (after ${WARMUP_REQUESTS} each to warm up)`);
    console.table(runs.map((r, i) => ({ run: i + 1, server: r.label, 'verifications/s': Math.round(r.rps), 'p50 ms': r.p50.toFixed(1), 'p99 ms': r.p99.toFixed(1), failed: r.bad })));

    const of = (label: string) => {
      const mine = runs.filter((r) => r.label === label);
      return { rps: median(mine.map((r) => r.rps)), p50: median(mine.map((r) => r.p50)), p99: median(mine.map((r) => r.p99)) };
    };
    const [bare, sqliteSmall, sqliteLarge, pgSmall, pgLarge] = servers.map((s) => of(s.label)) as [ReturnType<typeof of>, ReturnType<typeof of>, ReturnType<typeof of>, ReturnType<typeof of>, ReturnType<typeof of>];
    console.table({
      SQLite: { 'p50 1k ms': sqliteSmall.p50.toFixed(1), 'p99 1k ms': sqliteSmall.p99.toFixed(1), 'p50 large ms': sqliteLarge.p50.toFixed(1), 'p99 large ms': sqliteLarge.p99.toFixed(1), 'p99 large/1k': (sqliteLarge.p99 / sqliteSmall.p99).toFixed(2) },
      PostgreSQL: { 'p50 1k ms': pgSmall.p50.toFixed(1), 'p99 1k ms': pgSmall.p99.toFixed(1), 'p50 large ms': pgLarge.p50.toFixed(1), 'p99 large ms': pgLarge.p99.toFixed(1), 'p99 large/1k': (pgLarge.p99 / pgSmall.p99).toFixed(2) },
    });
    const worst = Math.max(sqliteLarge.p99 / sqliteSmall.p99, pgLarge.p99 / pgSmall.p99);
    console.log(`p99 with ${LARGE.toLocaleString('en')} users within ${TARGET_P99_RATIO}× of 1 000: ${worst <= TARGET_P99_RATIO ? 'met' : 'MISSED'} (worst ${worst.toFixed(2)}×)`);
    console.log(`throughput (median verifications/s, 1 k users): SQLite ${Math.round(sqliteSmall.rps)}, PostgreSQL ${Math.round(pgSmall.rps)}, bare otplib ${Math.round(bare.rps)}; ` +
      `PostgreSQL/SQLite ${(pgSmall.rps / sqliteSmall.rps).toFixed(2)}, SQLite/bare ${(sqliteSmall.rps / bare.rps).toFixed(2)}, PostgreSQL/bare ${(pgSmall.rps / bare.rps).toFixed(2)}`);
    const failed = runs.reduce((sum, r) => sum + r.bad, 0);
    if (failed > 0) {
      console.error(`store-scale: ${failed} verifications failed: the measurement is invalid`);
      process.exitCode = 1;
    }
  } finally {
    // Each server closes its store (and removes its files) when the bench disconnects, then exits.
    await Promise.all(servers.map(({ child }) => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.connected) child.disconnect();
      return exited;
    }));
    agent.destroy();
    await pgServer.destroy();
  }
}

await main();
