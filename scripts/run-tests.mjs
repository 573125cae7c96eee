#!/usr/bin/env node
// Runs every compiled test file under dist/test with Node's test runner. Node 20's --test does
// not expand globs, so the files are listed here.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

/** tsc never deletes outputs: a compiled test whose source was renamed or removed must not run. */
const hasSource = (file) => existsSync(relative('dist', file).replace(/\.js$/, '.ts'));

const only = process.argv.slice(2);
const files = find('dist/test')
  .filter(hasSource)
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test (did the build run?)');
  process.exit(1);
}

/**
 * A test that waits forever (e.g. on a child process that died) would hold CI until its own
 * timeout; the whole run takes a few minutes on two idle cores, several times that on a busy machine.
 */
const WATCHDOG_MS = 15 * 60_000;

// The output is passed through as it comes; the runner's summary (ℹ tests / pass / fail ...) is
// remembered so that it can be repeated last when the runner's failure recap follows it. The
// runner gets its own process group so that the watchdog can end it with everything it started.
const child = spawn(process.execPath, ['--test', '--test-reporter=spec', ...files], {
  stdio: ['inherit', 'pipe', 'inherit'],
  env: process.stdout.isTTY ? { ...process.env, FORCE_COLOR: '1' } : process.env,
  detached: true,
});
const killRun = () => {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
};
const watchdog = setTimeout(() => {
  console.error(`\nrun-tests: the tests were still running after ${WATCHDOG_MS / 1000} s; killed them. A suite missing from the output above hangs (narrow it down with: node scripts/run-tests.mjs <path filter>)`);
  killRun();
}, WATCHDOG_MS);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killRun();
    process.exit(1);
  });
}
const summary = new Map();
let afterSummary = false;
let pending = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const lines = (pending + chunk).split('\n');
  pending = lines.pop();
  for (const line of lines) {
    const match = /^ℹ (\w+) (\S+)$/.exec(line.replace(/\x1b\[[0-9;]*m/g, '').trim());
    if (match) {
      summary.set(match[1], match[2]);
      afterSummary = false;
    } else if (summary.size > 0 && line.trim() !== '') {
      afterSummary = true;
    }
  }
});

const status = await new Promise((resolve) => child.on('close', (code, signal) => resolve(signal ? 1 : (code ?? 1))));
clearTimeout(watchdog);
if (summary.size === 0) {
  console.error('run-tests: the test runner printed no summary; treating the run as failed');
  process.exit(status || 1);
}
if (afterSummary) console.log(`\n${[...summary].map(([k, v]) => `ℹ ${k} ${v}`).join('\n')}`);
const unrun = Number(summary.get('skipped') ?? 0) + Number(summary.get('todo') ?? 0);
if (process.env.CI === 'true' && unrun > 0) {
  console.error(`run-tests: CI=true and ${unrun} test(s) were skipped or todo; in CI every check must run`);
  process.exit(status || 1);
}
process.exit(status);
