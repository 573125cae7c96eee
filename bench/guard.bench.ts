/**
 * Guard benchmark: what mfa.requireSecondFactor() costs a request whose session already passed
 * the second factor (the guard's fast path, with its session-revocation check). Two apps, each
 * in a server process of its own and identical except that app B's route is behind the guard,
 * are loaded in turn (A B A B A B) so that drift of the machine affects both alike, and each
 * server's CPU time per request is read around each run. Reports requests/s, server CPU per
 * request and the ratios guarded/baseline (target >= 0.95); it does not assert on speed. It exits
 * non-zero only if the measurement itself is invalid (a response other than 200 means the fast
 * path was not what got measured).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { abortAfter, badResponses, cpuOf, loadInTurn, rpsOf } from './alternating-load.js';
import type { Endpoint, Run } from './alternating-load.js';
import { ask } from './child-process.js';
import type { GuardServerMessage } from './guard-server.js';
import { serverCpu } from './server-process.js';

/** Spread (best - worst) / median of one app's runs beyond which the machine, not the app, dominates. */
const MAX_TRUSTED_SPREAD = 0.1;
const TARGET_RATIO = 0.95;
/** Far above the expected ~25 s; a hung run must not hold CI. */
const WATCHDOG_MS = 90_000;

type Label = 'baseline' | 'guarded';

/** Starts one app's server process, which signs its benchmark user in through both factors. */
async function startTarget(label: Label, servers: ChildProcess[]): Promise<Endpoint<Label>> {
  const child = fork(fileURLToPath(new URL('./guard-server.js', import.meta.url)), [label]);
  servers.push(child);
  const { url, cookie } = await ask<GuardServerMessage, 'ready'>(child, 'ready');
  const check = await fetch(url, { headers: { cookie } });
  if (check.status !== 200) throw new Error(`${label}: signed-in session refused (${check.status})`);
  return { label, url, headers: { cookie }, cpuMicros: () => serverCpu(child) };
}

/** The mean, median and best run of each app; the headline ratio is the ratio of medians. */
function report(runs: Run<Label>[]): void {
  const base = rpsOf(runs, 'baseline');
  const guard = rpsOf(runs, 'guarded');
  const row = (s: typeof base) => ({ 'mean req/s': Math.round(s.mean), 'median req/s': Math.round(s.median), 'best req/s': Math.round(s.best) });
  console.table({
    'baseline (passport.session() only)': row(base),
    'guarded (+ requireSecondFactor())': row(guard),
    'ratio guarded/baseline': { 'mean req/s': ratio(guard.mean, base.mean), 'median req/s': ratio(guard.median, base.median), 'best req/s': ratio(guard.best, base.best) },
  });
  const headline = guard.median / base.median;
  const byCpu = cpuOf(runs, 'baseline') / cpuOf(runs, 'guarded');
  console.log(`median server CPU per request: baseline ${Math.round(cpuOf(runs, 'baseline'))} µs, guarded ${Math.round(cpuOf(runs, 'guarded'))} µs`);
  console.log(`ratio guarded/baseline: ${headline.toFixed(3)} by req/s (medians), ${byCpu.toFixed(3)} by server CPU per request; target >= ${TARGET_RATIO}: ${headline >= TARGET_RATIO ? 'met' : 'NOT met'} / ${byCpu >= TARGET_RATIO ? 'met' : 'NOT met'}`);
  const spread = Math.max(base.spread, guard.spread);
  if (spread > MAX_TRUSTED_SPREAD) {
    console.warn(`WARNING: runs of the same app differ by up to ${Math.round(spread * 100)}%: the machine is busy and the req/s ratio above is noise, not the guard (server CPU per request is steadier). Rerun on an idle machine.`);
  }
}

const ratio = (a: number, b: number) => Number((a / b).toFixed(3));

async function main(): Promise<number> {
  const servers: ChildProcess[] = [];
  try {
    const targets = [await startTarget('baseline', servers), await startTarget('guarded', servers)];
    const runs = await loadInTurn(targets, 'app');
    report(runs);
    const bad = badResponses(runs);
    if (bad > 0) {
      console.error(`INVALID: ${bad} responses were not 200, so the guard's fast path is not what was measured`);
      return 1;
    }
    return 0;
  } finally {
    for (const child of servers) if (child.connected) child.disconnect();
  }
}

abortAfter(WATCHDOG_MS);
process.exitCode = await main();
