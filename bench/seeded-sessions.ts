import { randomBytes } from 'node:crypto';
import session from 'express-session';
import type { SessionData } from 'express-session';
import type { ExampleAppOptions } from '../example-app/app.js';
import type { AuthenticatorClient } from '../src/authenticator/client.js';
import { SESSION_SECRET } from '../test/support/harness.js';
import type { Agent } from '../test/support/harness.js';
import { startPushHarness } from '../test/support/push.js';
import { cookieHeaderOf, signedSessionCookie } from '../test/support/session-cookie.js';

/**
 * Half-signed-in browser sessions without paying the password step each time: the example app
 * hashes passwords with scrypt (≈ 85 ms here), which would dominate a run of thousands of
 * sign-ins. One real sign-in provides a template session (password accepted, second step
 * pending); each seeded session is a copy with a fresh id, start time and signed cookie, so
 * everything after the password (Contact me, the event stream, completion) runs for real.
 */
export class SeededSessions {
  #template: SessionData | undefined;

  /** `store`: where the sessions live (the app must use the same one). */
  constructor(private readonly secret: string, private readonly cookieName = 'example.sid', readonly store: session.Store = new session.MemoryStore()) {}

  /** Takes the session of `agent` (signed in with the password, on the verify page) as the template. */
  async capture(agent: Agent): Promise<void> {
    this.#template = await this.sessionOf(agent);
    if (!this.#template.mfa?.pending || !this.#template.mfa.csrf) throw new Error('the template session has no pending second step');
  }

  /** The data of `agent`'s session (its cookie for the app on 127.0.0.1) in this store. */
  async sessionOf(agent: Agent): Promise<SessionData> {
    const cookie = cookieHeaderOf(agent).split('; ').find((c) => c.startsWith(`${this.cookieName}=`));
    if (!cookie) throw new Error('the agent has no session cookie');
    const sid = /^s:([^.]+)\./.exec(decodeURIComponent(cookie.slice(this.cookieName.length + 1)))?.[1];
    return new Promise<SessionData>((resolve, reject) =>
      this.store.get(sid!, (err, data) => (err || !data ? reject(err ?? new Error('session not found')) : resolve(data))));
  }

  /** The CSRF token every seeded session carries (copied from the template). */
  get csrf(): string {
    return this.#template!.mfa!.csrf!;
  }

  /** A new session whose second step started at `now`, optionally waiting on a push challenge; returns its Cookie header. */
  async seed(now: number, pushChallengeId?: string): Promise<string> {
    const data = structuredClone(this.#template!);
    data.mfa!.pending = { ...data.mfa!.pending!, startedAt: now, ...(pushChallengeId ? { methods: { push: { challengeId: pushChallengeId } } } : {}) };
    return this.add(data);
  }

  /** seed() for another user: every mention of the template's user id names `userId` instead. */
  async seedFor(userId: string, now: number): Promise<string> {
    const from = JSON.stringify(this.#template!.mfa!.pending!.userId);
    const data = JSON.parse(JSON.stringify(this.#template).split(from).join(JSON.stringify(userId))) as SessionData;
    data.mfa!.pending!.startedAt = now;
    return this.add(data);
  }

  /** Stores `data` as a new session with a fresh id; returns its Cookie header. */
  async add(data: SessionData): Promise<string> {
    const sid = randomBytes(18).toString('base64url');
    await new Promise<void>((resolve, reject) => this.store.set(sid, data, (err) => (err ? reject(err) : resolve())));
    return signedSessionCookie(this.cookieName, this.secret, sid);
  }
}

/**
 * The example app on 127.0.0.1 with alice enrolled for push (on `phone` when given) and a
 * template session of alice on the verify page; the fake clock is set to real time. Sessions are
 * seeded into `overrides.sessionStore` when given, else into a MemoryStore.
 */
export async function startSeededPushServer(overrides: Partial<ExampleAppOptions> = {}, phone?: (clock: () => number) => AuthenticatorClient) {
  const sessions = new SeededSessions(SESSION_SECRET, 'example.sid', overrides.sessionStore);
  const h = await startPushHarness({ ...overrides, sessionStore: sessions.store });
  h.clock.nowMs = Date.now();
  const enrolled = await h.enrolledPushUser(undefined, phone?.(h.clock.now));
  const template = await h.signInToVerify();
  await template.get('/mfa/verify'); // the verify page issues the session's CSRF token
  await sessions.capture(template);
  return { h, sessions, ...enrolled };
}
