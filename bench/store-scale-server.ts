// One server of store-scale.bench.ts (argv: a ServerConfig as JSON), on verify.bench.ts's host
// stack (verify-host.ts: Express 5, express-session with seeded sessions, Passport) with
// ACTIVE_USERS users. 'sqlite' and 'postgres': passport-mfa's router on that store, with
// `enrolled` factors (ACTIVE_USERS real ones, the rest seeded in bulk by SQL).
// 'bare': the same host stack and one route that checks the code with otplib against the seed
// kept in memory: no CSRF, lockout, replay refusal, sealing or new session id.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { base32 } from '@otplib/plugin-base32-scure';
import express from 'express';
import type { Request, Response } from 'express';
import session from 'express-session';
import { verifySync } from 'otplib';
import pg from 'pg';
import request from 'supertest';
import { SecretBox } from '../src/crypto/secret-box.js';
import { secureRandom } from '../src/crypto/random.js';
import { createMfa, DEFAULTS, SqliteStore } from '../src/index.js';
import type { MfaStore } from '../src/index.js';
import { TotpMethod } from '../src/methods/totp/totp-method.js';
import { PostgresStore } from '../src/postgres.js';
import { listenOnLocalhost } from '../test/support/local-server.js';
import type { Agent } from '../test/support/mfa-flow.js';
import { answerCommands } from './server-process.js';
import { createVerifyHost } from './verify-host.js';
import { ACTIVE_USERS, countedNow } from './store-scale-protocol.js';
import type { ServerConfig, ServerMessage } from './store-scale-protocol.js';

const config = JSON.parse(process.argv[2]!) as ServerConfig;
let received = 0;
const clock = () => countedNow(config.origin, received);
const send = (message: ServerMessage) => process.send!(message);
const secretKey = randomBytes(32);
const users = Array.from({ length: ACTIVE_USERS }, (_, i) => ({ id: `user-${i}`, username: `user${i}` }));

const { app, passport: pp, sessions } = createVerifyHost(users);
// The counted clock (store-scale-protocol.ts) moves on with each verification request received.
app.use((req, _res, next) => {
  if (req.method === 'POST' && req.path !== '/test-login') received++;
  next();
});

const server = await listenOnLocalhost(app);
const seedStarted = performance.now();
let cleanup = async (): Promise<void> => {};
let ready: Omit<Extract<ServerMessage, { type: 'ready' }>, 'type' | 'url' | 'seedMs'>;
let seedCookie: (user: number) => Promise<string>;

if (config.kind === 'bare') {
  const secrets = users.map(() => base32.encode(randomBytes(20)));
  app.post('/verify', express.urlencoded({ extended: false }), (req: Request, res: Response) => {
    const user = Number((req.user as { id: string } | undefined)?.id.slice(5));
    const code = (req.body as { code?: unknown }).code;
    const secret = secrets[user];
    if (!secret || typeof code !== 'string' || !verifySync({ secret, token: code, epoch: clock() / 1000, epochTolerance: 30 }).valid) return void res.status(401).end();
    res.redirect(303, '/');
  });
  ready = { secrets, fields: {} };
  seedCookie = (user) => sessions.add({ cookie: new session.Cookie(), passport: { user: `user-${user}` } } as session.SessionData);
} else {
  const { store, fill, close } = await openStore();
  cleanup = close;
  const totp = new TotpMethod({ store, box: new SecretBox([{ id: 'k1', key: secretKey }], secureRandom), issuer: 'Bench', settings: DEFAULTS.totp, clock, random: secureRandom });
  const secrets: string[] = [];
  for (const u of users) {
    const { factor, provisioning } = await totp.enroll(u.id, u.id);
    await store.core.confirmFactor(u.id, factor.id, clock());
    secrets.push(provisioning.secret);
  }
  await fill(config.enrolled - ACTIVE_USERS);
  // The longest pending sign-in allowed, 120 steps of the counted clock: longer than any run.
  const mfa = createMfa({ issuer: 'Bench', store, passport: pp, secretKey, clock, pendingTtlMs: 60 * 60_000, push: { enabled: false } });
  app.use(mfa.router);
  const agent = request.agent(server.base) as unknown as Agent;
  await agent.post('/test-login?user=0');
  await agent.get('/mfa/verify'); // issues the session's CSRF token
  await sessions.capture(agent);
  ready = { secrets, fields: { _csrf: sessions.csrf } };
  seedCookie = (user) => sessions.seedFor(`user-${user}`, clock());
}

/** The store, and a bulk INSERT of `count` confirmed factors of other users (copies of one sealed seed, never opened). */
async function openStore(): Promise<{ store: MfaStore; fill: (count: number) => Promise<void>; close: () => Promise<void> }> {
  const sealed = new SecretBox([{ id: 'k1', key: secretKey }], secureRandom).seal(randomBytes(20), 'filler');
  const data = JSON.stringify({ algorithm: 'sha1', digits: 6, period: 30 });
  const now = clock();
  if (config.kind === 'postgres') {
    const store = await PostgresStore.open({ connectionString: config.databaseUrl!, sweepIntervalMs: 0 });
    const pool = new pg.Pool({ connectionString: config.databaseUrl });
    return {
      store,
      fill: async (count) => {
        await pool.query(
          `INSERT INTO mfa_factors (id, user_id, type, label, sealed_secret, data, created_at, confirmed_at)
           SELECT 'filler-' || i, 'other-' || i, 'totp', 'Authenticator app', $1, $2::jsonb, $3::bigint - i, $3::bigint - i
           FROM generate_series(1, $4::int) AS i`,
          [sealed, data, now, count],
        );
        await pool.query('ANALYZE mfa_factors');
      },
      close: async () => {
        await store.close();
        await pool.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'store-scale-'));
  const store = new SqliteStore({ filename: join(dir, 'mfa.db') });
  return {
    store,
    fill: async (count) => {
      const db = new Database(join(dir, 'mfa.db'));
      db.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO mfa_factors (id, user_id, type, label, sealed_secret, data, created_at, confirmed_at)
         SELECT 'filler-' || i, 'other-' || i, 'totp', 'Authenticator app', ?, ?, ? - i, ? - i FROM n`,
      ).run(count, sealed, data, now, now);
      db.exec('ANALYZE');
      db.close();
    },
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

send({ type: 'ready', url: `${server.base}${config.kind === 'bare' ? '/verify' : '/mfa/verify'}`, seedMs: performance.now() - seedStarted, ...ready });
answerCommands(async (command) => {
  const cookies: string[] = [];
  for (const user of JSON.parse(command) as number[]) cookies.push(await seedCookie(user));
  return { type: 'seeded', cookies } satisfies ServerMessage;
});
process.once('disconnect', () => void server.close().then(cleanup).then(() => process.exit(0)));
