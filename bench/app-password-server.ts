// The server half of app-password.bench.ts (a child process, so that its CPU time per request
// can be read apart from the load generator's): one Express 5 app serving the same small JSON at
// /open (no auth) and /mail (passport.authenticate('mfa-app-password', { session: false })), with
// one app password of alice's in a SqliteStore. On the command `micro` it runs the check itself in
// a loop on this thread, twice: as configured (a repeated correct password is answered from what
// was read within appPasswords.cacheMs), and with cacheMs: 0 (parse, two failure-counter reads,
// HMAC, indexed lookup, success: what every first or wrong password costs).
import { join } from 'node:path';
import express from 'express';
import passport from 'passport';
import type { Strategy } from 'passport';
import { secureRandom } from '../src/crypto/random.js';
import { createMfa, SqliteStore } from '../src/index.js';
import { AppPasswordMethod } from '../src/methods/app-passwords/app-password-method.js';
import { DEFAULTS } from '../src/options.js';
import { basic, SECRET_KEY } from '../test/support/harness.js';
import { listenOnLocalhost } from '../test/support/local-server.js';
import { answerCommands, benchDataDir } from './server-process.js';

export type AppPasswordServerMessage =
  | { type: 'ready'; base: string; authorization: string }
  | { type: 'micro'; cached: MicroResult; uncached: MicroResult };

export interface MicroResult {
  checks: number;
  perSecond: number;
  failed: number;
  warmUp: number;
}

const MICRO_MS = 1500;
/** Checks run before the micro-benchmark's clock starts (the JIT). */
const WARM_UP_CHECKS = 1000;
const USER = { id: 'u1', username: 'alice' };

const data = benchDataDir();
const store = new SqliteStore({ filename: join(data.dir, 'mfa.db') });
const mfaWith = (cacheMs?: number) => createMfa({
  issuer: 'Contoso',
  store,
  secretKey: SECRET_KEY,
  onEvent: () => {},
  appPasswords: { findUser: (username) => (username === USER.username ? USER : null), cacheMs },
});
const mfa = mfaWith();
const uncached = mfaWith(0);
const method = new AppPasswordMethod({
  store, keys: [{ id: 'k1', key: SECRET_KEY }], clock: Date.now, random: secureRandom,
  settings: { ...DEFAULTS.appPasswords, findUser: undefined, verifyAccountPassword: undefined, dummyPasswordCheck: undefined, realm: 'Contoso' },
});
const { password } = await method.create(USER.id, 'Benchmark');
const authorization = basic(USER.username, password);
const pp = new passport.Passport();
pp.use('mfa-app-password', mfa.appPasswordStrategy);
const app = express();
app.disable('x-powered-by');
app.use(pp.initialize());
const body = { user: USER.username, messages: [{ subject: 'Welcome' }] };
app.get('/open', (_req, res) => res.json(body));
app.get('/mail', pp.authenticate('mfa-app-password', { session: false }), (_req, res) => res.json(body));
const server = await listenOnLocalhost(app);

/** The strategy's whole check, as Passport runs it, back to back on this thread. */
async function microBenchmark(strategy: Strategy): Promise<MicroResult> {
  const req = { headers: { authorization }, ip: '127.0.0.1' } as never;
  let failed = 0;
  const once = () => new Promise<void>((resolve) => {
    strategy.authenticate.call({ success: () => resolve(), fail: () => { failed++; resolve(); }, error: () => { failed++; resolve(); } } as never, req);
  });
  for (let i = 0; i < WARM_UP_CHECKS; i++) await once();
  let checks = 0;
  const start = performance.now();
  while (performance.now() - start < MICRO_MS) {
    for (let i = 0; i < 100; i++) await once();
    checks += 100;
  }
  return { checks, perSecond: checks / ((performance.now() - start) / 1000), failed, warmUp: WARM_UP_CHECKS };
}

answerCommands(async (command) => command === 'micro'
  ? { type: 'micro', cached: await microBenchmark(mfa.appPasswordStrategy), uncached: await microBenchmark(uncached.appPasswordStrategy) } satisfies AppPasswordServerMessage
  : undefined);
process.once('disconnect', () => void server.close().then(async () => {
  await store.close();
  data.remove();
}));
process.send!({ type: 'ready', base: server.base, authorization } satisfies AppPasswordServerMessage);
