// passport-mfa's server for verify.bench.ts (argv: the shared clock's origin): the host stack with
// createMfa() on a SqliteStore, every user enrolled through the real pages (Mobile app → One-time
// password → code). A seeded session is a copy of the user's own half-signed-in session.
import { join } from 'node:path';
import request from 'supertest';
import type { SessionData } from 'express-session';
import { createMfa, SqliteStore } from '../src/index.js';
import { SECRET_KEY } from '../test/support/harness.js';
import { beginTotpSetup, submitCode, totpCode } from '../test/support/mfa-flow.js';
import type { Agent } from '../test/support/mfa-flow.js';
import { BENCH_USERS, createVerifyHost, seedCopies, serveVerifyTarget, templateSessions } from './verify-host.js';
import { benchDataDir } from './server-process.js';
import { countedNow } from './verify-protocol.js';

const origin = Number(process.argv[2]);
let received = 0;
const clock = () => countedNow(origin, received);
const data = benchDataDir();
const store = new SqliteStore({ filename: join(data.dir, 'mfa.db') });
const { app, passport, sessions } = createVerifyHost();
// The counted clock (see verify-protocol.ts) moves on with each verification request received.
app.use('/mfa/verify', (req, _res, next) => {
  if (req.method === 'POST') received++;
  next();
});
// The longest pending sign-in allowed, 120 steps of the counted clock: longer than any run.
const mfa = createMfa({ issuer: 'Bench', store, secretKey: SECRET_KEY, passport, clock, pendingTtlMs: 60 * 60_000 });
app.use(mfa.router);

const secrets: string[] = [];
let templates: SessionData[] = [];

await serveVerifyTarget(app, async (base) => {
  for (let i = 0; i < BENCH_USERS.length; i++) {
    const enrolling = request.agent(base) as unknown as Agent;
    await enrolling.post(`/test-login?user=${i}`);
    const secret = await beginTotpSetup(enrolling);
    const done = await submitCode(enrolling, '/mfa/setup/totp', totpCode(secret, clock()));
    if (done.status !== 303) throw new Error(`enrolling user ${i} failed: ${done.status}`);
    secrets.push(secret);
  }
  // Signed in with the password, verify page opened: the second step pending, a CSRF token issued.
  templates = await templateSessions(base, sessions, async (agent) => {
    if ((await agent.get('/mfa/verify')).status !== 200) throw new Error('no verify page');
  });
  return { url: `${base}/mfa/verify`, secrets, clock: 'counted', success: 303, body: 'form', headers: {} };
}, (count) => seedCopies(sessions, templates, count, (copy) => {
  copy.mfa!.pending!.startedAt = clock();
  return { _csrf: copy.mfa!.csrf! };
}), async () => {
  await store.close();
  data.remove();
});
