/**
 * Guard benchmark: what mfa.requireSecondFactor() costs a request whose session already passed
 * the second factor (the guard's fast path). Two in-process Express 5 apps, identical except that
 * app B's route is behind the guard, are loaded in turn (A B A B A B) so that drift of the machine
 * affects both alike. Reports requests/s and the ratio guarded/baseline (target >= 0.95); it does
 * not assert on speed. It exits non-zero only if the measurement itself is invalid (a response
 * other than 200 means the fast path was not what got measured).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { SqliteStore } from '../src/index.js';
import { listenOnLocalhost } from '../test/support/local-server.js';
import type { LocalServer } from '../test/support/local-server.js';
import { beginTotpSetup, submitCode, totpCode } from '../test/support/mfa-flow.js';
import { createMinimalHost } from '../test/support/minimal-host.js';
import { abortAfter, badResponses, loadInTurn, rpsOf } from './alternating-load.js';
import type { Endpoint, Run } from './alternating-load.js';

/** Spread (best - worst) / median of one app's runs beyond which the machine, not the app, dominates. */
const MAX_TRUSTED_SPREAD = 0.1;
/** Far above the expected ~22 s; a hung run must not hold CI. */
const WATCHDOG_MS = 60_000;

type Label = 'baseline' | 'guarded';

interface Target extends Endpoint<Label> {
  server: LocalServer;
  store: SqliteStore;
}

/** Starts one app on a loopback ephemeral port and signs its benchmark user in through both factors. */
async function startTarget(label: Label, dir: string): Promise<Target> {
  const store = new SqliteStore({ filename: join(dir, `${label}.db`) });
  const { app } = createMinimalHost({ express, store, guarded: label === 'guarded' });
  const server = await listenOnLocalhost(app);
  const url = `${server.base}/account`;

  // Both apps go through the same real setup flow, so both sessions hold the same state.
  const a = request.agent(server.base);
  await a.post('/test-login');
  const secret = await beginTotpSetup(a);
  const done = await submitCode(a, '/mfa/setup/totp', totpCode(secret, Date.now()));
  const setCookie = done.headers['set-cookie'] as unknown as string[] | undefined;
  if (done.status !== 303 || !setCookie?.[0]) throw new Error(`${label}: second factor not completed (${done.status})`);
  const cookie = setCookie[0].split(';')[0]!;

  const check = await fetch(url, { headers: { cookie } });
  if (check.status !== 200) throw new Error(`${label}: signed-in session refused (${check.status})`);
  return { label, url, headers: { cookie }, server, store };
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
  console.log(`ratio guarded/baseline (medians): ${headline.toFixed(3)}, target >= 0.95: ${headline >= 0.95 ? 'met' : 'NOT met'}`);
  const spread = Math.max(base.spread, guard.spread);
  if (spread > MAX_TRUSTED_SPREAD) {
    console.warn(`WARNING: runs of the same app differ by up to ${Math.round(spread * 100)}%: the machine is busy and the ratio above is noise, not the guard. Rerun on an idle machine.`);
  }
}

const ratio = (a: number, b: number) => Number((a / b).toFixed(3));

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mfa-bench-'));
  const targets: Target[] = [];
  try {
    targets.push(await startTarget('baseline', dir), await startTarget('guarded', dir));
    const runs = await loadInTurn(targets, 'app');
    report(runs);
    const bad = badResponses(runs);
    if (bad > 0) {
      console.error(`INVALID: ${bad} responses were not 200, so the guard's fast path is not what was measured`);
      return 1;
    }
    return 0;
  } finally {
    for (const t of targets) {
      await t.server.close();
      await t.store.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

abortAfter(WATCHDOG_MS);
process.exitCode = await main();
