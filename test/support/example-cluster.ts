import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { MemoryAccountStore } from '../../src/authenticator/account-store.js';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import { AuthenticatorClient } from '../../src/authenticator/client.js';
import { ExampleInstance } from './example-instance.js';
import { SECRET_KEY, SESSION_SECRET } from './harness.js';
import { totpCode, totpSecretIn } from './mfa-flow.js';
import { PostgresServer } from './postgres-server.js';
import { RedisServer } from './redis-server.js';
import { waitUntil } from './server-process.js';
import { WebClient } from './web-client.js';

/**
 * Two sample-app instances (A and B) on two ports sharing a real PostgreSQL (and, with `redis`,
 * a real Redis): what runs behind a load balancer.
 */
export interface Cluster {
  pg: PostgresServer;
  redis: RedisServer | null;
  databaseUrl: string;
  a: ExampleInstance;
  b: ExampleInstance;
  /** The instances' environment, to start more (or restart one). */
  env: Record<string, string>;
  mfaOptions: object;
  stop(): Promise<void>;
}

/** Starts the servers and both instances at once (they migrate and create their tables together); `{ skip }` when a server is not installed. */
export async function startCluster(options: { redis: boolean; mfaOptions?: object }): Promise<Cluster | { skip: string }> {
  const pg = await PostgresServer.start();
  if ('skip' in pg) return pg;
  const redis = options.redis ? await RedisServer.start() : null;
  if (redis && 'skip' in redis) {
    await pg.destroy();
    return redis;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'passport-mfa-cluster-'));
  const databaseUrl = await pg.createDatabase('mfa');
  const env: Record<string, string> = {
    MFA_STORE: 'postgres',
    MFA_STORE_URL: databaseUrl,
    ...(redis ? { REDIS_URL: redis.url } : {}),
    DATA_DIR: dataDir,
    MFA_SECRET_KEY: SECRET_KEY,
    SESSION_SECRET,
  };
  const mfaOptions = options.mfaOptions ?? {};
  const started = await Promise.allSettled([ExampleInstance.start('a', env, mfaOptions), ExampleInstance.start('b', env, mfaOptions)]);
  const cleanup = async (instances: ExampleInstance[]) => {
    for (const instance of instances) await instance.stop();
    await redis?.destroy();
    await pg.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await cleanup(started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])));
    throw failed.reason;
  }
  const [a, b] = started.map((s) => (s as PromiseFulfilledResult<ExampleInstance>).value) as [ExampleInstance, ExampleInstance];
  // stop() ends whichever instances the cluster holds then (a test may have replaced one).
  const cluster: Cluster = { pg, redis, databaseUrl, a, b, env, mfaOptions, stop: () => cleanup([cluster.a, cluster.b]) };
  return cluster;
}

/** A skip reason for the describe() of a cluster whose servers are not installed (a throw with CI=true), else false. */
export function clusterMissing(options: { redis: boolean }): string | false {
  return PostgresServer.missing() || (options.redis && RedisServer.missing());
}

/**
 * Starts a cluster before the enclosing describe()'s tests and stops it after them; the describe()
 * is skipped with `{ skip: clusterMissing(options) }` where a server is not installed.
 */
export function useCluster(options: { redis: boolean; mfaOptions?: object }): { cluster: Cluster } {
  const state = { cluster: undefined as unknown as Cluster };
  before(async () => {
    const started = await startCluster(options);
    if ('skip' in started) throw new Error(started.skip);
    state.cluster = started;
  });
  after(async () => state.cluster?.stop());
  return state;
}

/** Signs a new user up on `origin` (password step done, second step not set up). */
export async function signUp(client: WebClient, origin: string, username: string, password = 'a long enough password'): Promise<void> {
  const res = await client.postForm(origin, '/signup', { username, password });
  if (res.status !== 303) throw new Error(`signup of ${username} failed: ${res.status} ${res.text.slice(0, 200)}`);
}

/** The password step on `origin`. */
export async function logIn(client: WebClient, origin: string, username: string, password = 'a long enough password'): Promise<void> {
  const res = await client.postForm(origin, '/login', { username, password });
  if (res.status !== 303) throw new Error(`login of ${username} failed: ${res.status} ${res.text.slice(0, 200)}`);
}

/** Sets up the authenticator app through the pages on `origin`; returns its base32 secret. */
export async function enrollTotp(client: WebClient, origin: string): Promise<string> {
  await client.postForm(origin, '/mfa/setup', { contact: 'mobile_app', mode: 'otp' });
  const page = await client.get(origin, '/mfa/setup/totp');
  const secret = totpSecretIn(page.text);
  if (!secret) throw new Error(`no secret on the setup page (${page.status})`);
  const res = await client.postForm(origin, '/mfa/setup/totp', { code: totpCode(secret, Date.now()) });
  if (res.status !== 303) throw new Error(`enrollment failed: ${res.status} ${res.text.slice(0, 200)}`);
  return secret;
}

/** Submits a code on the verify page of `origin`. */
export function submitCode(client: WebClient, origin: string, code: string) {
  return client.postForm(origin, '/mfa/verify', { code });
}

/**
 * Sets up the mobile app's notifications through the pages on `origin` with `phone` (which then
 * talks to `origin`, the URL in the QR code); returns the phone's account.
 */
export async function enrollPush(client: WebClient, origin: string, phone: AuthenticatorClient): Promise<AuthenticatorAccount> {
  await client.postForm(origin, '/mfa/setup', { contact: 'mobile_app', mode: 'notification' });
  const page = await client.get(origin, '/mfa/setup/push');
  const code = /aria-label="Code">([0-9 ]+)</.exec(page.text)?.[1];
  const url = /aria-label="URL">([^<]+)</.exec(page.text)?.[1];
  if (!code || !url) throw new Error(`no Code/URL on the push setup page (${page.status})`);
  const account = await phone.activate({ code: code.replace(/ /g, ''), url }, 'Test phone');
  await client.postForm(origin, '/mfa/setup/push/contact', {}, '/mfa/setup/push');
  const number = await shownNumber(client, origin, '/mfa/setup/push/wait');
  const [challenge] = await phone.waitForChallenges(account, 0);
  await phone.answer(account, challenge!.id, 'approve', { number });
  const done = await client.postForm(origin, '/mfa/setup/push/wait', { method: 'push' });
  if (done.status !== 303) throw new Error(`push enrollment failed: ${done.status} ${done.text.slice(0, 200)}`);
  return account;
}

/** The number the waiting page at `path` shows ("Number to enter"). */
export async function shownNumber(client: WebClient, origin: string, path: string): Promise<string> {
  const page = await client.get(origin, path);
  const number = /aria-label="Number to enter"[^>]*>([0-9]{2})</.exec(page.text)?.[1];
  if (!number) throw new Error(`no number on ${path}: ${page.status} ${page.text.slice(0, 200)}`);
  return number;
}

/**
 * The first `result` event of the waiting page's stream at `url`, opened again when it ends
 * without one (after a store failure), as the page's EventSource does; rejects after `giveUpMs`.
 */
export async function streamResult(url: string, giveUpMs: number): Promise<string> {
  const deadline = Date.now() + giveUpMs;
  while (Date.now() < deadline) {
    const res = await fetch(url, { signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
    if (res.status !== 200) throw new Error(`the stream answered ${res.status}`);
    const text = await res.text();
    if (text.includes('event: result')) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no result on the stream within ${giveUpMs} ms`);
}

/** `promise`, or a rejection saying `what` if it has not settled within `ms`. */
export async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} (not within ${ms} ms)`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A new user sets up notifications on B (so the phone talks to B), then signs in on A: the
 * phone's long-poll on B must hear of the notification A creates, and the browser waiting on A
 * of the approval given through B, each within `deadlineMs`; then the sign-in completes and the
 * session is good on both instances.
 */
export async function pushAcrossInstances(c: Cluster, username: string, deadlineMs: number): Promise<void> {
  const setup = new WebClient();
  await signUp(setup, c.b.origin, username);
  const phone = new AuthenticatorClient({ store: new MemoryAccountStore() });
  const account = await enrollPush(setup, c.b.origin, phone);

  // The phone waits on B before the browser signs in on A (the password step alone takes
  // longer than the request needs to reach B): only a wake-up from A can end its wait early.
  const waiting = phone.waitForChallenges(account, 25);
  const browser = new WebClient();
  await logIn(browser, c.a.origin, username);
  await browser.postForm(c.a.origin, '/mfa/verify/push/send', {}, '/mfa/verify');
  const [challenge] = await within(deadlineMs, waiting, "the phone's long-poll on B did not hear of the notification created on A");
  assert.ok(challenge);

  const page = await browser.get(c.a.origin, '/mfa/verify/push');
  const events = await fetch(c.a.origin + /data-stream="([^"]+)"/.exec(page.text)![1]!);
  assert.equal(events.status, 200);
  const result = events.text();
  await phone.answer(account, challenge.id, 'approve', { number: await shownNumber(browser, c.a.origin, '/mfa/verify/push') });
  assert.match(await within(deadlineMs, result, 'the browser waiting on A did not hear of the approval given through B'), /"status":"approved"/);

  const done = await browser.postForm(c.a.origin, '/mfa/verify/push', { method: 'push' }, '/mfa/verify/push');
  assert.equal(done.status, 303);
  assert.equal((await browser.get(c.a.origin, '/')).status, 200);
  assert.equal((await browser.get(c.b.origin, '/')).status, 200, 'the session is shared: B knows the second step is done');
}

/**
 * A new user signs up on A; another session of theirs, a browser or a script asking for JSON,
 * signs in on B, and B serves it. Then the user's session on A signs out everywhere: within
 * `deadlineMs` B refuses the other session (the browser is sent to sign in, the script gets 401
 * `session_revoked`), while the session that asked stays signed in on both instances. (B would
 * also re-read the store once its 1 s cache expires; that the wake-up channel alone carries the
 * revocation is shown with a frozen clock in test/http/security/revocation-across-instances.test.ts.)
 */
export async function revocationAcrossInstances(c: Cluster, username: string, client: 'browser' | 'script', deadlineMs: number): Promise<void> {
  const owner = new WebClient();
  await signUp(owner, c.a.origin, username);
  const secret = await enrollTotp(owner, c.a.origin);
  const other = new WebClient();
  await logIn(other, c.b.origin, username);
  // Setup used the current step; the next one is within the window and unused.
  assert.equal((await submitCode(other, c.b.origin, totpCode(secret, Date.now(), 1))).status, 303);
  const onB = () => other.get(c.b.origin, '/', client === 'script' ? { accept: 'application/json' } : undefined);
  assert.equal((await onB()).status, 200, 'B serves the other session (and now holds what it read about it)');

  const signedOut = await owner.postForm(c.a.origin, '/mfa/manage/sign-out-everywhere', {}, '/mfa/manage');
  assert.deepEqual([signedOut.status, signedOut.location], [303, '/mfa/manage'], `sign out everywhere on A: ${signedOut.text.slice(0, 200)}`);
  const refused = await waitUntil(`B still served the session revoked on A`, deadlineMs, async () => {
    const res = await onB();
    return res.status === 200 ? null : res;
  });
  if (client === 'browser') assert.deepEqual([refused.status, refused.location], [303, '/login'], 'the browser is sent to sign in');
  else assert.deepEqual([refused.status, JSON.parse(refused.text).error], [401, 'session_revoked'], 'the script gets 401');
  for (const origin of [c.a.origin, c.b.origin]) assert.equal((await owner.get(origin, '/')).status, 200, `${origin}: the session that asked stays signed in`);
}

/**
 * Stops PostgreSQL under a user enrolled on A and half-way through a sign-in on B: on both
 * instances the second step answers 503 with Retry-After and the guarded page is refused; with
 * PostgreSQL back, both recover without a restart and the sign-in completes. `whileDown` adds
 * checks during the outage; it gets the enrolled user's fully signed-in browser.
 */
export async function postgresOutage(c: Cluster, username: string, whileDown: (signedIn: WebClient) => Promise<void> = async () => {}): Promise<void> {
  const signedIn = new WebClient();
  await signUp(signedIn, c.a.origin, username);
  const secret = await enrollTotp(signedIn, c.a.origin);
  const halfway = new WebClient();
  await logIn(halfway, c.b.origin, username);
  const csrf = /name="_csrf" value="([^"]+)"/.exec((await halfway.get(c.b.origin, '/mfa/verify')).text)![1]!;
  const submit = (origin: string) => halfway.post(origin, '/mfa/verify', { _csrf: csrf, code: totpCode(secret, Date.now(), 1) });

  await c.pg.pause();
  try {
    for (const origin of [c.a.origin, c.b.origin]) {
      const submitted = await submit(origin);
      assert.equal(submitted.status, 503, `${origin}: the second step is refused, not skipped`);
      assert.ok(submitted.headers.get('retry-after'), `${origin}: with Retry-After`);
      assert.equal((await halfway.get(origin, '/')).status, 503, `${origin}: the guarded page is not let through`);
    }
    await whileDown(signedIn);
  } finally {
    await c.pg.resume();
  }
  // No restart: the pools reconnect on the next request.
  await waitUntil('the instances did not recover after PostgreSQL came back', 20_000, async () =>
    (await halfway.get(c.a.origin, '/mfa/verify')).status === 200 && (await halfway.get(c.b.origin, '/mfa/verify')).status === 200);
  assert.equal((await submit(c.a.origin)).status, 303);
  assert.equal((await halfway.get(c.b.origin, '/')).status, 200);
}
