import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base32 } from '@otplib/plugin-base32-scure';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { createExampleApp, DEMO_USER } from '../../example-app/app.js';
import type { ExampleAppOptions } from '../../example-app/app.js';
import { totpAt } from '../../src/methods/totp.js';
import { SqliteStore } from '../../src/stores/sqlite.js';
import type { MfaStore } from '../../src/stores/store.js';
import { FakeClock } from './fake-clock.js';

export type Agent = InstanceType<typeof TestAgent>;

export const SECRET_KEY = '0f'.repeat(32);

/** The example app on a temp data dir with a fake clock, plus helpers to drive it like a browser. */
export interface HarnessSetup {
  /** Wraps the app's MFA store (the default SqliteStore or `overrides.store`), e.g. to inject faults. */
  wrapStore?: (store: MfaStore) => MfaStore;
}

export async function startHarness(overrides: Partial<ExampleAppOptions> = {}, setup: HarnessSetup = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'passport-mfa-test-'));
  const clock = new FakeClock();
  const events: { type: string; reason?: string | undefined }[] = [];
  // Created here rather than by the app so tests can read factors and lockouts directly.
  const base = overrides.store ?? new SqliteStore({ filename: join(dataDir, 'mfa.db') });
  const store = setup.wrapStore?.(base) ?? base;
  const example = await createExampleApp({
    dataDir,
    secretKey: SECRET_KEY,
    sessionSecret: 'test-session-secret',
    clock: clock.now,
    onEvent: (e) => events.push(e),
    ...overrides,
    store,
  });
  const { app } = example;

  const agent = (): Agent => request.agent(app);

  /** The CSRF token of the page at `path` (GET with this agent's session). */
  async function csrf(a: Agent, path: string): Promise<string> {
    const res = await a.get(path).redirects(0);
    const match = /name="_csrf" value="([^"]+)"/.exec(res.text);
    if (!match) throw new Error(`no CSRF token on ${path} (status ${res.status}): ${res.text.slice(0, 200)}`);
    return match[1]!;
  }

  async function login(a: Agent, username: string = DEMO_USER.username, password: string = DEMO_USER.password) {
    const token = await csrf(a, '/login');
    const res = await a.post('/login').type('form').send({ _csrf: token, username, password }).redirects(0);
    if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
    return res;
  }

  /** Starts TOTP setup and returns the base32 secret shown on the setup page. */
  async function beginSetup(a: Agent): Promise<string> {
    const token = await csrf(a, '/mfa/setup');
    const res = await a.post('/mfa/setup').type('form').send({ _csrf: token, contact: 'mobile_app', mode: 'otp' }).redirects(0);
    if (res.status !== 303) throw new Error(`setup failed: ${res.status} ${res.text.slice(0, 300)}`);
    const page = await a.get('/mfa/setup/totp');
    const match = /<code class="mfa-secret"[^>]*>([A-Z2-7 ]+)<\/code>/.exec(page.text);
    if (!match) throw new Error(`no secret on setup page: ${page.status}`);
    return match[1]!.replace(/ /g, '');
  }

  /** The code an authenticator app shows now (or `offsetSteps` periods away). */
  function codeFor(secret: string, offsetSteps = 0): string {
    return totpAt(base32.decode(secret), Math.floor(clock.now() / 1000) + offsetSteps * 30, { algorithm: 'sha1', digits: 6, period: 30 });
  }

  async function submitCode(a: Agent, path: '/mfa/verify' | '/mfa/setup/totp', code: unknown, pagePath: string = path) {
    const token = await csrf(a, pagePath);
    return a.post(path).type('form').send({ _csrf: token, code }).redirects(0);
  }

  /** Signs alice in and enrolls her; returns her agent (fully signed in) and secret. */
  async function enrolledUser(): Promise<{ agent: Agent; secret: string }> {
    const a = agent();
    await login(a);
    const secret = await beginSetup(a);
    const res = await submitCode(a, '/mfa/setup/totp', codeFor(secret));
    if (res.status !== 303) throw new Error(`enrollment failed: ${res.status} ${res.text.slice(0, 300)}`);
    clock.advance(30_000);
    return { agent: a, secret };
  }

  /**
   * Moves the clock well past every code used so far, to `positionMs` into a time step, so the
   * next codes are neither replays nor in a pending sign-in started before (start agents after).
   */
  function freshStep(positionMs = 0): void {
    clock.nowMs = (Math.floor(clock.now() / 30_000) + 10) * 30_000 + positionMs;
  }

  /** A well-formed code the authenticator does not show anywhere in the accepted window. */
  function wrongCode(secret: string): string {
    const valid = new Set([-1, 0, 1].map((offset) => codeFor(secret, offset)));
    for (let n = 0; ; n++) {
      const code = String(n).padStart(6, '0');
      if (!valid.has(code)) return code;
    }
  }

  /** GETs `path` and follows same-origin redirects (at most 5); returns every location and the last response. */
  async function walk(a: Agent, path: string) {
    const locations: string[] = [];
    let res = await a.get(path).redirects(0);
    while (res.status >= 300 && res.status < 400 && locations.length < 5) {
      locations.push(res.headers.location as string);
      res = await a.get(res.headers.location as string).redirects(0);
    }
    return { locations, res };
  }

  let demoUserId: string | undefined;
  /** The demo user's id: the key of her factors and lockout in the store. */
  async function userId(): Promise<string> {
    demoUserId ??= (await example.users.verify(DEMO_USER.username, DEMO_USER.password))?.id;
    if (!demoUserId) throw new Error('demo user missing');
    return demoUserId;
  }

  /** A new agent past the password step whose second step has started (the guard sent it on). */
  async function halfSignedIn(): Promise<Agent> {
    const a = agent();
    await login(a);
    await a.get('/').redirects(0);
    return a;
  }

  /** A new agent through both steps. Moves the clock one step on first, so the code is unused. */
  async function fullySignedIn(secret: string): Promise<Agent> {
    clock.advance(30_000);
    const a = await halfSignedIn();
    const res = await submitCode(a, '/mfa/verify', codeFor(secret));
    if (res.status !== 303) throw new Error(`second step failed: ${res.status} ${res.text.slice(0, 300)}`);
    return a;
  }

  return {
    ...example,
    store,
    userId,
    halfSignedIn,
    fullySignedIn,
    wrongCode,
    walk,
    freshStep,
    clock,
    events,
    dataDir,
    agent,
    csrf,
    login,
    beginSetup,
    codeFor,
    submitCode,
    enrolledUser,
    async stop() {
      await example.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;
