#!/usr/bin/env node
// Where a CPU profile (node --cpu-prof, or the Profiler of node:inspector) spent its busy time:
// self time summed by package (a node_modules package, a directory of this repository, Node's
// own code), by file or by function, as percentages of the time not idle. Used for the README's
// "where the time goes" tables.
// With --requests=N (the requests served while profiling) it also shows µs per request.
// --by=concern charges each sample to what the request was doing (the TOTP check, a store
// statement, the session, content negotiation, ...): the first frame from the leaf up that names
// one; Node's crypto and native frames count for their caller (an HMAC for the TOTP check or for
// the session cookie's signature), Node's other code is the HTTP server and its sockets.
// Usage: node scripts/cpu-profile-summary.mjs <file.cpuprofile> [--by=package|file|function|concern] [--top=25] [--requests=N]
import { readFileSync } from 'node:fs';

const [file, ...flags] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/cpu-profile-summary.mjs <file.cpuprofile> [--by=package|file|function|concern] [--top=25] [--requests=N]');
  process.exit(2);
}
const option = (name, fallback) => flags.find((f) => f.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const by = option('by', 'package');
const top = Number(option('top', '25'));
const requests = Number(option('requests', '0'));

const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((child) => [child, n])));
// Self time of a node = its samples × the sampling interval; samples and timeDeltas are parallel.
const self = new Map();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

function group(frame) {
  const { url, functionName, lineNumber } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : by === 'function' ? `${functionName} (native)` : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  const path = modules ? `${modules[1]}/${modules[2]}` : url.replace(/^file:\/\/.*?\/dist\//, '').replace(/^node:/, 'node:');
  if (by === 'function') return `${functionName || '(anonymous)'} ${path}:${lineNumber + 1}`;
  if (by === 'file') return path;
  if (modules) return modules[1];
  if (url.startsWith('node:')) return 'node (core)';
  return path.replace(/\/[^/]+$/, '/');
}

/** What the request was doing, by the script's address; the first that matches wins. */
const CONCERNS = [
  [/otplib|@noble\/hashes|\/notp\/|methods\/totp\//, 'TOTP code check (HMACs, comparison)'],
  [/crypto\/secret-box/, 'unsealing the seed (AES-256-GCM)'],
  [/stores\/sqlite\/|better-sqlite3|bench\/verify-host/, 'store statements (SQLite)'],
  [/negotiator|\/accepts\/|wants-json/, 'content negotiation (Accept)'],
  [/express-session|cookie-signature|uid-safe|random-bytes|\/cookie\//, 'session: load, regenerate, save, cookie'],
  [/node_modules\/passport\//, 'Passport'],
  [/node_modules\/(router|body-parser|qs|type-is|raw-body|parseurl|path-to-regexp|express|content-type|on-finished|on-headers|iconv-lite|media-typer|mime-types|mime-db|finalhandler|encodeurl|escape-html|forwarded|proxy-addr|statuses|depd|debug)\//, 'Express: routing, body parsing, response'],
  [/dist\/src\//, 'passport-mfa: the rest of its own code'],
  [/dist\/bench\//, 'benchmark server'],
  [/^node:/, 'Node: HTTP server, sockets, timers'],
];

function concern(id) {
  const { functionName } = byId.get(id).callFrame;
  if (functionName === '(garbage collector)' || functionName === '(idle)') return functionName;
  for (let node = byId.get(id); node; node = parentOf.get(node.id)) {
    const { url } = node.callFrame;
    if (!url || url.startsWith('node:internal/crypto')) continue;
    const found = CONCERNS.find(([pattern]) => pattern.test(url));
    if (found) return found[1];
  }
  return '(other)';
}

const totals = new Map();
let all = 0;
let idle = 0;
for (const [id, micros] of self) {
  const key = by === 'concern' ? concern(id) : group(byId.get(id).callFrame);
  if (key === '(idle)') {
    idle += micros;
    continue;
  }
  totals.set(key, (totals.get(key) ?? 0) + micros);
  all += micros;
}
const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, top);
const perRequest = requests > 0 ? `, ${(all / requests).toFixed(1)} µs per request (${requests} requests)` : '';
console.log(`${file}: ${(all / 1e6).toFixed(2)} s busy (${(idle / 1e6).toFixed(2)} s idle)${perRequest}, self time by ${by}`);
for (const [key, micros] of rows) {
  const micro = requests > 0 ? `${(micros / requests).toFixed(1).padStart(7)} µs  ` : '';
  console.log(`${((100 * micros) / all).toFixed(1).padStart(5)}%  ${micro}${key}`);
}
