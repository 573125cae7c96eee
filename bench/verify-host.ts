// The host stack the verification benchmark's Express servers share (verify-server-*.ts, one per
// process): Express 5, express-session with its in-memory store, Passport with session support,
// users in memory. Only what each system adds on top of it differs.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { base32 } from '@otplib/plugin-base32-scure';
import Database from 'better-sqlite3';
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import session from 'express-session';
import type { SessionData } from 'express-session';
import passport from 'passport';
import request from 'supertest';
import type { Agent } from '../test/support/mfa-flow.js';
import { listenOnLocalhost } from '../test/support/local-server.js';
import { answerCommands } from './server-process.js';
import { parseSeedCommand, USERS } from './verify-protocol.js';
import type { SeededSession, VerifyServerMessage } from './verify-protocol.js';
import { SeededSessions } from './seeded-sessions.js';

export interface BenchUser {
  id: string;
  username: string;
}

export const BENCH_USERS: readonly BenchUser[] = Array.from({ length: USERS }, (_, i) => ({ id: `user-${i}`, username: `user${i}` }));

declare module 'express-session' {
  interface SessionData {
    /** Set by the peers' verification routes (the bare endpoint, passport-totp's example). */
    secondFactor?: string;
  }
}

const SESSION_SECRET = 'verify-bench-session-secret';
const COOKIE = 'bench.sid';

/**
 * The shared stack, with POST /test-login?user=N (user N of `users`) as the password step (not
 * what is measured). store-scale.bench.ts's servers run it with their own users.
 */
export function createVerifyHost(users: readonly BenchUser[] = BENCH_USERS) {
  const sessions = new SeededSessions(SESSION_SECRET, COOKIE);
  const byId = new Map(users.map((u) => [u.id, u]));
  const pp = new passport.Passport();
  pp.serializeUser<string>((user, done) => done(null, (user as BenchUser).id));
  pp.deserializeUser<string>((id, done) => done(null, byId.get(id) ?? false));

  const app = express();
  app.disable('x-powered-by');
  app.use(session({ name: COOKIE, secret: SESSION_SECRET, store: sessions.store, resave: false, saveUninitialized: false }));
  app.use(pp.initialize());
  app.use(pp.session());
  app.post('/test-login', (req: Request, res: Response, next: NextFunction) => {
    const user = users[Number(req.query.user)];
    if (!user) return res.status(404).end();
    req.login(user, (err) => (err ? next(err) : res.status(204).end()));
  });
  return { app, passport: pp, sessions };
}

/**
 * Listens on 127.0.0.1 and serves the benchmark: reports `ready`, answers each seed command with
 * that many new half-signed-in sessions from `seed` (and the commands of server-process.ts), and
 * stops (calling `stop`) when the benchmark disconnects.
 */
export async function serveVerifyTarget(
  app: Express,
  ready: (base: string) => Promise<Omit<Extract<VerifyServerMessage, { type: 'ready' }>, 'type'>>,
  seed: (count: number) => Promise<SeededSession[]>,
  stop: () => Promise<void> | void,
): Promise<void> {
  const server = await listenOnLocalhost(app);
  const send = (message: VerifyServerMessage) => process.send!(message);
  answerCommands(async (command) => {
    const count = parseSeedCommand(command);
    return count === null ? undefined : { type: 'seeded', sessions: await seed(count) };
  });
  process.once('disconnect', () => void server.close().then(stop));
  send({ type: 'ready', ...(await ready(server.base)) });
}

/**
 * Each user's session after the password step (and after `then`, e.g. opening the verify page),
 * by user number: what every seeded session of that user copies.
 */
export async function templateSessions(base: string, sessions: SeededSessions, then: (agent: Agent) => Promise<void> = async () => {}): Promise<SessionData[]> {
  const templates: SessionData[] = [];
  for (let i = 0; i < BENCH_USERS.length; i++) {
    const agent = request.agent(base) as unknown as Agent;
    if ((await agent.post(`/test-login?user=${i}`)).status !== 204) throw new Error(`user ${i} could not sign in`);
    await then(agent);
    templates.push(await sessions.sessionOf(agent));
  }
  return templates;
}

/**
 * `count` new sessions copied from the templates, users in turn; `adjust` may change each copy
 * (e.g. when its second step started) and returns the fields its verification sends.
 */
export async function seedCopies(sessions: SeededSessions, templates: readonly SessionData[], count: number, adjust: (copy: SessionData) => Record<string, string> = () => ({})): Promise<SeededSession[]> {
  const seeded: SeededSession[] = [];
  for (let k = 0; k < count; k++) {
    const user = k % templates.length;
    const copy = structuredClone(templates[user]!);
    const fields = adjust(copy);
    seeded.push({ user, cookie: await sessions.add(copy), fields });
  }
  return seeded;
}

/**
 * The peers' TOTP seeds: one per user, kept in plaintext in a SQLite table (as their examples
 * keep them) in `dir`. Returns the lookup the verification runs and each user's seed in base32.
 */
export function plaintextSeeds(dir: string): { seedOf(userId: string): Buffer | undefined; secrets: string[] } {
  const db = new Database(join(dir, 'seeds.db'));
  db.exec('CREATE TABLE totp_seeds (user_id TEXT PRIMARY KEY, seed BLOB NOT NULL)');
  const insert = db.prepare<[string, Buffer]>('INSERT INTO totp_seeds (user_id, seed) VALUES (?, ?)');
  const select = db.prepare<[string], { seed: Buffer }>('SELECT seed FROM totp_seeds WHERE user_id = ?');
  const secrets = BENCH_USERS.map((u) => {
    const seed = randomBytes(20);
    insert.run(u.id, seed);
    return base32.encode(seed);
  });
  return { seedOf: (userId) => select.get(userId)?.seed, secrets };
}

/** serveVerifyTarget for a peer on the host stack whose pending second step is just a signed-in session. */
export async function servePeer(app: Express, sessions: SeededSessions, ready: Omit<Extract<VerifyServerMessage, { type: 'ready' }>, 'type' | 'url'> & { path: string }, stop: () => void): Promise<void> {
  let templates: SessionData[] = [];
  const { path, ...rest } = ready;
  await serveVerifyTarget(app, async (base) => {
    templates = await templateSessions(base, sessions);
    return { url: base + path, ...rest };
  }, (count) => seedCopies(sessions, templates, count), stop);
}
