// Memory with 10 000 browsers waiting at once for their phone's answer: 10 000 open event
// streams over real HTTP on loopback, each with its own signed-in session and its own pending
// challenge. Measured twice: on the waiting page's session-free capability stream
// (GET /mfa/push-events/<token>, served by mfa.streams before the session middleware) and on the
// session-bound fallback (GET /mfa/verify/push/events with the session cookie); the capability
// stream also with mfa.streams in front of Express on the Node server (Express never sees it). The server runs in a child process (so its memory is
// measured alone and each process needs only ~10 000 file descriptors); this process is the
// 10 000 browsers. At the end every challenge is approved and each stream must deliver its
// result, which proves all of them were really waiting. Target: ≤ 200 MB. The capability and
// session-bound streams run once more with the sessions in a real redis-server (connect-redis) the
// bench starts on a free port, where the server process no longer holds 10 000 sessions.
// Run: npm run bench:push   (or node dist/bench/push-waiters.bench.js [waiters])
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { RedisServer } from '../test/support/redis-server.js';
import { ask } from './child-process.js';
import type { Memory } from './child-process.js';

const WAITERS = Number(process.argv[2] ?? 10_000);
const TARGET_MB = 200;
const MB = 1024 * 1024;

export type ServerMessage =
  | { type: 'ready'; origin: string; streams: { path: string; cookie: string }[]; memory: Memory }
  | { type: 'memory'; memory: Memory }
  | { type: 'woken'; count: number };

/** The soft limit on open files of this process (Linux), or null when unknown. */
function openFileLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    return line ? Number(line.split(/\s{2,}/)[1]) : null;
  } catch {
    return null;
  }
}

/** One browser's event stream: resolves `waiting` once the server holds it open, `result` with the status. */
function openStream(origin: URL, { path, cookie }: { path: string; cookie: string }) {
  let text = '';
  let markWaiting!: () => void;
  let markResult!: (status: string) => void;
  const waiting = new Promise<void>((resolve) => (markWaiting = resolve));
  const result = new Promise<string>((resolve) => (markResult = resolve));
  const failed = new Promise<never>((_, reject) => {
    const req = http.get({ host: origin.hostname, port: origin.port, path, agent: false, headers: { accept: 'text/event-stream', ...(cookie ? { cookie } : {}) } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`event stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes(': waiting')) markWaiting();
        const status = /event: result\ndata: \{"status":"([a-z]+)"\}/.exec(text)?.[1];
        if (status) markResult(status);
      });
    });
    req.on('error', reject);
  });
  return { waiting: Promise.race([waiting, failed]), result: Promise.race([result, failed]) };
}

async function main(): Promise<void> {
  const limit = openFileLimit();
  if (limit !== null && limit < WAITERS + 200) {
    console.error(`push-waiters: this process may open only ${limit} files, and ${WAITERS} waiting browsers need ${WAITERS} sockets ` +
      `(plus as many in the server process). Raise it first, e.g. \`ulimit -n ${WAITERS + 1000}\` (hard limit: \`ulimit -Hn\`), or pass fewer waiters.`);
    process.exitCode = 2;
    return;
  }
  const began = performance.now();
  const capability = await run('push-waiters-server.js', 'capability');
  const front = await run('push-waiters-server.js', 'front');
  const session = await run('push-waiters-server.js', 'session');
  const reference = await run('sse-reference-server.js');
  const inRedis = await runWithSessionsInRedis();
  const mb = (n: number) => (n / MB).toFixed(1);
  const perWaiter = (r: RunResult) => ((r.waiting.rss - r.before.rss) / WAITERS / 1024).toFixed(1);
  const report = (label: string, r: RunResult) => {
    console.log(`  ${label}:`);
    console.log(`    server RSS ${mb(r.before.rss)} MB with ${WAITERS} signed-in sessions and challenges → ${mb(r.waiting.rss)} MB with all of them waiting ` +
      `(+${mb(r.waiting.rss - r.before.rss)} MB, +${perWaiter(r)} kB per waiter); JS heap ${mb(r.before.heapUsed)} → ${mb(r.waiting.heapUsed)} MB`);
    console.log(`    approving all ${WAITERS} challenges delivered every result in ${r.wakeMs.toFixed(0)} ms`);
  };
  console.log(`${WAITERS} browsers waiting at once for their phone's answer (real HTTP, loopback, one socket each, SQLite store, sessions in express-session's MemoryStore)`);
  report('capability stream GET /mfa/push-events/<token> (mfa.streams, before the session middleware)', capability);
  report('the same capability stream with mfa.streams in front of Express (http.createServer((req, res) => mfa.streams(req, res, () => app(req, res))))', front);
  report('session-bound fallback GET /mfa/verify/push/events (express-session + passport.session() + the mfa router)', session);
  console.log(`  reference, bare Express holding ${WAITERS} event streams (no session, Passport or passport-mfa): ${mb(reference.before.rss)} → ` +
    `${mb(reference.waiting.rss)} MB (+${perWaiter(reference)} kB per stream); JS heap ${mb(reference.before.heapUsed)} → ${mb(reference.waiting.heapUsed)} MB`);
  if (inRedis) {
    console.log(`  with the sessions in Redis (connect-redis, a redis-server on loopback), so the server process holds none of them:`);
    report('capability stream', inRedis.capability);
    report('session-bound fallback (one Redis read per stream opened)', inRedis.session);
  } else {
    console.log('  sessions in Redis: NOT measured (redis-server is not installed)');
  }
  const added = capability.waiting.rss - capability.before.rss;
  console.log(`  target ≤ ${TARGET_MB} MB for ${WAITERS} waiters: memory the waiters add (capability stream) ${mb(added)} MB: ${added <= TARGET_MB * MB ? 'met' : 'MISSED'}; ` +
    `whole server RSS with all waiting ${mb(capability.waiting.rss)} MB: ${capability.waiting.rss <= TARGET_MB * MB ? 'met' : 'MISSED'}; run took ${((performance.now() - began) / 1000).toFixed(1)} s`);
}

interface RunResult { before: Memory; waiting: Memory; wakeMs: number }

/** The capability and session-bound runs once more with the sessions in a redis-server of our own; null without one. */
async function runWithSessionsInRedis(): Promise<{ capability: RunResult; session: RunResult } | null> {
  const redis = await RedisServer.start();
  if ('skip' in redis) return null;
  try {
    return {
      capability: await run('push-waiters-server.js', 'capability', redis.url),
      session: await run('push-waiters-server.js', 'session', redis.url),
    };
  } finally {
    await redis.destroy();
  }
}

/** Starts `script` as the server, opens every stream, measures, approves all and checks each result. */
async function run(script: string, route = '', redisUrl?: string): Promise<RunResult> {
  const server = fork(fileURLToPath(new URL(`./${script}`, import.meta.url)), [String(WAITERS), route, ...(redisUrl ? [redisUrl] : [])], { execArgv: ['--expose-gc'] });
  try {
    const ready = await ask<ServerMessage, 'ready'>(server, 'ready');
    const origin = new URL(ready.origin);
    const streams: ReturnType<typeof openStream>[] = [];
    // A few hundred connects at a time: the listen backlog holds 511.
    for (let i = 0; i < ready.streams.length; i += 250) {
      const batch = ready.streams.slice(i, i + 250).map((stream) => openStream(origin, stream));
      await Promise.all(batch.map((s) => s.waiting));
      streams.push(...batch);
    }
    const { memory } = await ask<ServerMessage, 'memory'>(server, 'memory', 'measure');
    const wakeStart = performance.now();
    const woken = ask<ServerMessage, 'woken'>(server, 'woken', 'wake');
    const statuses = await Promise.all(streams.map((s) => s.result));
    const wakeMs = performance.now() - wakeStart;
    await woken;
    const approved = statuses.filter((s) => s === 'approved').length;
    if (approved !== WAITERS) throw new Error(`${script} ${route}: only ${approved} of ${WAITERS} streams delivered "approved"`);
    return { before: ready.memory, waiting: memory, wakeMs };
  } finally {
    server.kill();
  }
}

await main();
