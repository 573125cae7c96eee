/**
 * Verification benchmark: passport-mfa's whole second step (POST /mfa/verify with a valid code:
 * CSRF, lockout, unsealing the seed, ±1 step, the atomic replay refusal, a new session id) against
 * passport-totp and better-auth's twoFactor, and against a bare otplib endpoint on the same host
 * stack (Express 5, express-session, Passport). Each system runs in its own process with 400
 * users enrolled; only verification requests are measured, each on its own half-signed-in session
 * (the password step is seeded), with 20 concurrent connections, in alternating rounds after a
 * warm-up. Prints each system's requests/s and the ratios; it does not assert on speed. It exits
 * non-zero only if the measurement is invalid (a failed verification means the success path was
 * not what got measured).
 *
 * Run: npm run bench:verify   (node dist/bench/verify.bench.js --rounds=N runs N rounds instead
 * of 3; --systems=passport-totp,bare otplib runs passport-mfa and only those; --cpu-prof=DIR also
 * writes a CPU profile of each server's runs to DIR)
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abortAfter, badResponses, cpuOf, loadInTurn, ROUNDS, rpsOf } from './alternating-load.js';
import type { Endpoint, Run } from './alternating-load.js';
import { ask } from './child-process.js';
import { serverCpu, startProfile, stopProfile } from './server-process.js';
import { seedCommand, USERS } from './verify-protocol.js';
import type { VerifyServerMessage } from './verify-protocol.js';
import { VerifyRequests } from './verify-requests.js';

const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const profileDir = flag('cpu-prof');
const rounds = Number(flag('rounds') ?? ROUNDS);

const CONNECTIONS = 20;
const WARMUP_TURNS = 5;
/** Set-up (enrolling 400 users on each system) and three rounds take about two minutes. */
const WATCHDOG_MS = (8 + 2 * Math.max(0, rounds - ROUNDS)) * 60_000;
const TARGETS = { 'passport-totp': 1.0, 'bare otplib': 0.8 } as const;

const SYSTEMS = {
  'passport-mfa': 'verify-server-mfa.js',
  'passport-totp': 'verify-server-passport-totp.js',
  'better-auth': 'verify-server-better-auth.js',
  'bare otplib': 'verify-server-bare.js',
} as const;
type Label = keyof typeof SYSTEMS;
/** The systems to run: all, or those named by --systems=a,b (passport-mfa always, it is what the ratios compare). */
const chosen = (Object.keys(SYSTEMS) as Label[]).filter((label) => label === 'passport-mfa' || !flag('systems') || flag('systems')!.split(',').includes(label));


async function start(label: Label, origin: number) {
  const child = fork(fileURLToPath(new URL(`./${SYSTEMS[label]}`, import.meta.url)), [String(origin)]);
  const ready = await ask<VerifyServerMessage, 'ready'>(child, 'ready');
  if (profileDir) startProfile(child);
  const requests = new VerifyRequests(ready, origin);
  return { label, child, ready, requests, profiled: () => requests.sent };
}

type Server = Awaited<ReturnType<typeof start>>;

function endpoint(server: Server): Endpoint<Label> {
  const { label, child, ready, requests } = server;
  return {
    label,
    url: ready.url,
    headers: {},
    successStatus: ready.success,
    requests: [requests.descriptor()],
    // As many requests as the best earlier run made in `seconds`, each with its own seeded
    // session (a request without one would not measure a verification): runs on a busy machine
    // vary severalfold. The warm-up makes WARMUP_TURNS turns of the users, enough for the JIT.
    async prepare(seconds, earlier) {
      const best = Math.max(0, ...earlier.map((r) => r.rps));
      const count = earlier.length === 0 ? WARMUP_TURNS * USERS : Math.max(1, Math.ceil((best * seconds) / USERS)) * USERS;
      requests.refill((await ask<VerifyServerMessage, 'seeded'>(child, 'seeded', seedCommand(count))).sessions);
      return count;
    },
    cpuMicros: () => serverCpu(child),
  };
}

function report(runs: Run<Label>[]): void {
  const rps = (label: Label) => rpsOf(runs, label).median;
  const cpu = (label: Label) => cpuOf(runs, label);
  console.table(Object.fromEntries(chosen.map((label) => [label, {
    'median verifications/s': Math.round(rps(label)),
    'passport-mfa/this (verifications/s)': ratio(rps('passport-mfa'), rps(label)),
    'median server CPU µs/verification': Math.round(cpu(label)),
    'passport-mfa/this (by CPU per verification)': ratio(cpu(label), cpu('passport-mfa')),
  }])));
  for (const [peer, target] of (Object.entries(TARGETS) as [Label, number][]).filter(([peer]) => chosen.includes(peer))) {
    const byRate = rps('passport-mfa') / rps(peer);
    const byCpu = cpu(peer) / cpu('passport-mfa');
    console.log(`ratio passport-mfa/${peer}: ${byRate.toFixed(3)} by verifications/s (medians), ${byCpu.toFixed(3)} by server CPU per verification; target >= ${target}: ${byRate >= target ? 'met' : 'NOT met'} / ${byCpu >= target ? 'met' : 'NOT met'}`);
  }
  if (chosen.includes('better-auth')) {
    console.log(`ratio passport-mfa/better-auth: ${ratio(rps('passport-mfa'), rps('better-auth'))} by verifications/s, ${ratio(cpu('better-auth'), cpu('passport-mfa'))} by server CPU per verification`);
  }
}

const ratio = (a: number, b: number) => Number((a / b).toFixed(3));

async function main(): Promise<number> {
  const origin = Date.now();
  console.log(`starting ${chosen.length} servers, each enrolling ${USERS} users…`);
  const servers: Server[] = [];
  try {
    servers.push(...(await Promise.all(chosen.map((label) => start(label, origin)))));
    const endpoints = servers.map(endpoint);
    const runs = await loadInTurn(endpoints, 'system', { connections: CONNECTIONS, rounds, note: `, ${USERS} users per system, verification requests only` });
    report(runs);
    if (profileDir) {
      for (const { label, child, profiled } of servers) {
        const file = join(profileDir, `${label.replace(/\W+/g, '-')}.cpuprofile`);
        await stopProfile(child, file);
        console.log(`CPU profile of ${label}'s runs: node scripts/cpu-profile-summary.mjs ${file} --requests=${profiled()}`);
      }
    }
    const exhausted = servers.reduce((sum, s) => sum + s.requests.exhausted, 0);
    const bad = badResponses(runs);
    if (bad > 0 || exhausted > 0) {
      console.error(`INVALID: ${bad} verifications did not succeed (${exhausted} of them ran out of seeded sessions), so the success path is not what was measured`);
      return 1;
    }
    return 0;
  } finally {
    await Promise.all(servers.map(({ child }) => stopped(child)));
  }
}

/** Disconnects a server and waits for it to exit. */
function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.disconnect();
  });
}

abortAfter(WATCHDOG_MS);
process.exitCode = await main();
