import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createExampleApp, DEMO_USER } from '../../example-app/app.js';
import type { ExampleAppOptions } from '../../example-app/app.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import type { MfaStore } from '../../src/stores/mfa-store.js';
import { OPTIONAL_FACETS, storeWith } from './store-with.js';
import { FakeClock } from './fake-clock.js';
import { beginTotpSetup, csrfIn, csrfOf, postForm, submitCode, totpCode, wrongCode as wrongCodeAt } from './mfa-flow.js';
import type { Agent } from './mfa-flow.js';
import { codeIn } from './phone.js';

export type { Agent } from './mfa-flow.js';

export const SECRET_KEY = '0f'.repeat(32);
/** Signs the example app's session cookie (benchmarks seed sessions with it). */
export const SESSION_SECRET = 'test-session-secret';

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
  const store = storeWith(setup.wrapStore?.(base) ?? base, OPTIONAL_FACETS);
  const shared = {
    dataDir,
    secretKey: SECRET_KEY,
    sessionSecret: SESSION_SECRET,
    clock: clock.now,
    // Tests sign in many times from one address, and move the clock by hours; the /login limit and
    // the session lifetime have tests of their own.
    loginLimit: { perUsername: 1000, perIp: 100_000 },
    sessionLifetime: { idleMs: 30 * 24 * 60 * 60_000, absoluteMs: 30 * 24 * 60 * 60_000 },
  } satisfies Partial<ExampleAppOptions>;
  const example = await createExampleApp({ ...shared, onEvent: (e) => events.push(e), ...overrides, store });
  const { app } = example;
  const others: Awaited<ReturnType<typeof createExampleApp>>[] = [];

  /**
   * Another instance of the example app behind the same load balancer: the same data dir, SQLite
   * file (its own connection; `own.store` when the harness was given another store), keys, clock
   * and limits, none of `overrides` but its own `own`. stop() closes it.
   */
  async function anotherInstance(own: Partial<ExampleAppOptions> = {}) {
    const other = await createExampleApp({ ...shared, onEvent: () => {}, store: new SqliteStore({ filename: join(dataDir, 'mfa.db') }), ...own });
    others.push(other);
    return other;
  }

  const agent = (): Agent => request.agent(app);

  async function login(a: Agent, username: string = DEMO_USER.username, password: string = DEMO_USER.password) {
    const res = await postForm(a, '/login', { username, password });
    if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
    return res;
  }

  /** The code an authenticator app shows now (or `offsetSteps` periods away). */
  const codeFor = (secret: string, offsetSteps = 0): string => totpCode(secret, clock.now(), offsetSteps);

  /** Signs alice in and enrolls her; returns her agent (fully signed in) and secret. */
  async function enrolledUser(): Promise<{ agent: Agent; secret: string }> {
    const a = agent();
    await login(a);
    const secret = await beginTotpSetup(a);
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
  const wrongCode = (secret: string): string => wrongCodeAt(secret, clock.now());

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

  /** An agent (a new one unless given) past the password step whose second step has started (the guard sent it on). */
  async function halfSignedIn(a: Agent = agent()): Promise<Agent> {
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
  /** The code in the newest message of the example app's own outbox. */
  const latestCode = (): string => codeIn(example.outbox.entries()[0]);

  /**
   * Creates an app password through the form at `formPath` (GET then POST, like a browser);
   * returns the POST response and the password it showed (null when none was shown).
   */
  async function createAppPassword(a: Agent, name: unknown, formPath = '/mfa/setup/app-passwords') {
    const form = await a.get(formPath).redirects(0);
    const token = csrfIn(form.text);
    const formToken = formTokenIn(form.text);
    if (!token || !formToken) throw new Error(`no app-password form on ${formPath} (status ${form.status})`);
    const action = /<form method="post" action="([^"]+)"/.exec(form.text)![1]!;
    const res = await a.post(action).type('form').send({ _csrf: token, form: formToken, name }).redirects(0);
    return { res, password: shownAppPassword(res.text) };
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
    latestCode,
    events,
    dataDir,
    agent,
    csrf: csrfOf,
    login,
    beginSetup: beginTotpSetup,
    codeFor,
    submitCode,
    enrolledUser,
    createAppPassword,
    anotherInstance,
    async stop() {
      for (const other of others) await other.close();
      await example.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** The one-time token of an app-password form (a resubmitted form creates nothing), if the page has one. */
export function formTokenIn(html: string): string | undefined {
  return /name="form" value="([^"]+)"/.exec(html)?.[1];
}

/** The app password a page shows in its read-only "App password" input, or null. */
export function shownAppPassword(html: string): string | null {
  return /<input id="mfa-app-password"[^>]*value="([^"]+)"/.exec(html)?.[1] ?? null;
}

/** An `Authorization: Basic` header value for these credentials. */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
