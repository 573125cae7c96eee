import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { secureRandom } from '../../src/crypto/random.js';
import { TotpMethod } from '../../src/methods/totp/totp-method.js';
import { DEFAULTS } from '../../src/options.js';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { ExampleInstance } from '../support/example-instance.js';
import { enrollTotp, logIn, signUp, submitCode, clusterMissing, useCluster } from '../support/example-cluster.js';
import type { Cluster } from '../support/example-cluster.js';
import { SECRET_KEY, SESSION_SECRET } from '../support/harness.js';
import { totpCode } from '../support/mfa-flow.js';
import { signedSessionCookie } from '../support/session-cookie.js';
import { WebClient } from '../support/web-client.js';

/** 90 enrolled users signing in from 10 sessions each with the same code, 100 users confirming an enrollment. */
const SIGNING_IN = 90;
const SESSIONS_EACH = 10;
const ENROLLING = 100;
/** Instance A is killed once this many of the 1 000 requests have been answered. */
const KILL_AFTER = 150;

interface Outcome {
  userId: string;
  kind: 'sign-in' | 'enroll';
  instance: 'a' | 'b';
  /** The HTTP status, or null when the connection was cut (A killed). */
  status: number | null;
  location: string | null;
}

// Attack on durability and single use: an instance dies (kill -9) in the middle of a burst of
// verifications; nothing it answered may be lost and no code may count twice, whichever instance
// took it.
describe('kill -9 of an instance during 1 000 concurrent verifications', { skip: clusterMissing({ redis: false }) }, () => {
  const s = useCluster({ redis: false });
  let c: Cluster;
  let db: pg.Pool;
  before(() => {
    c = s.cluster;
    db = new pg.Pool({ connectionString: c.databaseUrl });
    // The cluster's after() stops PostgreSQL under this pool's idle connections.
    db.on('error', () => {});
  });
  after(async () => db?.end());

  /** The stored session of `client` (signed in on A), and the CSRF token the page at `path` carries. */
  async function template(client: WebClient, path: string) {
    const page = await client.get(c.a.origin, path);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const sid = /^s:([^.]+)\./.exec(decodeURIComponent(client.cookie.split('=')[1]!))![1]!;
    const [row] = (await db.query<{ sess: string }>('SELECT sess::text AS sess FROM example_sessions WHERE sid = $1', [sid])).rows;
    return { sess: row!.sess, csrf };
  }

  /** Copies of a template session for other users (every id of the template's user and factor swapped); returns their Cookie headers. */
  async function seedSessions(sess: string, swaps: { from: string; to: string }[][]): Promise<string[]> {
    const sids = swaps.map(() => randomBytes(18).toString('base64url'));
    const bodies = swaps.map((pairs) => pairs.reduce((text, { from, to }) => text.split(from).join(to), sess));
    await db.query(
      `INSERT INTO example_sessions (sid, sess, expire) SELECT unnest($1::text[]), unnest($2::text[])::json, now() + interval '1 day'`,
      [sids, bodies],
    );
    return sids.map((sid) => signedSessionCookie('example.sid', SESSION_SECRET, sid));
  }

  it('loses no enrollment it confirmed and double-spends no code (checked in the database)', { timeout: 240_000 }, async (t) => {
    // Two template sessions through the real pages: one on the verify page, one confirming a setup.
    const owner = new WebClient();
    await signUp(owner, c.a.origin, 'template');
    await enrollTotp(owner, c.a.origin);
    const signingIn = new WebClient();
    await logIn(signingIn, c.a.origin, 'template');
    const verifyTemplate = await template(signingIn, '/mfa/verify');
    const enrolling = new WebClient();
    await signUp(enrolling, c.a.origin, 'template2');
    await enrolling.postForm(c.a.origin, '/mfa/setup', { contact: 'mobile_app', mode: 'otp' });
    const enrollTemplate = await template(enrolling, '/mfa/setup/totp');
    const ids = (await db.query<{ id: string; username: string }>("SELECT id, username FROM example_users WHERE username LIKE 'template%'")).rows;
    const templateUser = ids.find((u) => u.username === 'template')!.id;
    const templateEnroller = ids.find((u) => u.username === 'template2')!.id;
    const templateFactor = (await db.query<{ id: string }>('SELECT id FROM mfa_factors WHERE user_id = $1', [templateEnroller])).rows[0]!.id;

    // Users, factors and sessions seeded in bulk (the pages would spend minutes on scrypt).
    const users = Array.from({ length: SIGNING_IN + ENROLLING }, (_, i) => ({ id: randomBytes(12).toString('base64url'), username: `load${i}`, secret: '', factorId: '' }));
    await db.query(
      `INSERT INTO example_users (id, username, password_hash)
       SELECT unnest($1::text[]), unnest($2::text[]), (SELECT password_hash FROM example_users WHERE username = 'template')`,
      [users.map((u) => u.id), users.map((u) => u.username)],
    );
    const store = await PostgresStore.open({ connectionString: c.databaseUrl, sweepIntervalMs: 0 });
    const totp = new TotpMethod({ store, box: new SecretBox([{ id: 'k1', key: SECRET_KEY }], secureRandom), issuer: 'Contoso', settings: DEFAULTS.totp, clock: Date.now, random: secureRandom });
    for (const [i, u] of users.entries()) {
      const { factor, provisioning } = await totp.enroll(u.id, u.username);
      if (i < SIGNING_IN) await store.core.confirmFactor(u.id, factor.id, Date.now());
      u.secret = provisioning.secret;
      u.factorId = factor.id;
    }
    await store.close();
    const signers = users.slice(0, SIGNING_IN);
    const enrollers = users.slice(SIGNING_IN);
    const signInCookies = await seedSessions(verifyTemplate.sess, signers.flatMap((u) => Array.from({ length: SESSIONS_EACH }, () => [{ from: templateUser, to: u.id }])));
    const enrollCookies = await seedSessions(enrollTemplate.sess, enrollers.map((u) => [{ from: templateEnroller, to: u.id }, { from: templateFactor, to: u.factorId }]));

    const requests = [
      ...signers.flatMap((u, i) => Array.from({ length: SESSIONS_EACH }, (_, j) => ({ user: u, kind: 'sign-in' as const, path: '/mfa/verify', csrf: verifyTemplate.csrf, cookie: signInCookies[i * SESSIONS_EACH + j]!, instance: (j % 2 ? 'a' : 'b') as 'a' | 'b' }))),
      ...enrollers.map((u, i) => ({ user: u, kind: 'enroll' as const, path: '/mfa/setup/totp', csrf: enrollTemplate.csrf, cookie: enrollCookies[i]!, instance: (i % 2 ? 'a' : 'b') as 'a' | 'b' })),
    ];
    assert.equal(requests.length, 1_000);

    let answered = 0;
    let killed: Promise<void> | null = null;
    const sentAt = Date.now();
    const outcomes = await Promise.all(requests.map(async (r): Promise<Outcome> => {
      const origin = r.instance === 'a' ? c.a.origin : c.b.origin;
      const body = new URLSearchParams({ _csrf: r.csrf, code: totpCode(r.user.secret, sentAt) });
      try {
        const res = await fetch(origin + r.path, { method: 'POST', body, headers: { cookie: r.cookie, 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
        await res.arrayBuffer();
        if (++answered === KILL_AFTER) killed = c.a.kill();
        return { userId: r.user.id, kind: r.kind, instance: r.instance, status: res.status, location: res.headers.get('location') };
      } catch {
        return { userId: r.user.id, kind: r.kind, instance: r.instance, status: null, location: null };
      }
    }));
    assert.ok(killed, 'instance A was killed during the burst');
    await killed;
    const cut = outcomes.filter((o) => o.status === null);
    assert.ok(cut.length > 0, 'some requests to A were cut by the kill');
    assert.ok(cut.every((o) => o.instance === 'a'), 'only requests to the killed instance went unanswered');
    assert.deepEqual([...new Set(outcomes.filter((o) => o.instance === 'b').map((o) => o.status))].filter((s) => ![303, 401, 429].includes(s!)), [], 'B answered every request it got, with no 5xx');

    const factors = new Map((await db.query<{ id: string; user_id: string; confirmed_at: number | null; last_step: string | null }>(
      'SELECT id, user_id, confirmed_at, last_step FROM mfa_factors WHERE user_id = ANY($1)', [users.map((u) => u.id)])).rows.map((f) => [f.user_id, f]));
    const step = String(Math.floor(sentAt / 30_000));
    for (const u of signers) {
      const mine = outcomes.filter((o) => o.userId === u.id);
      const accepted = mine.filter((o) => o.status === 303 && o.location === '/');
      assert.ok(accepted.length <= 1, `${u.username}: one code accepted ${accepted.length} times`);
      const factor = factors.get(u.id)!;
      if (accepted.length === 1) assert.equal(factor.last_step, step, `${u.username}: an accepted code's time step is stored`);
      // Unaccepted everywhere it was answered: used only if a cut request to A may have taken it.
      else if (!mine.some((o) => o.status === null)) assert.equal(factor.last_step, null, `${u.username}: no code was used`);
    }
    for (const u of enrollers) {
      const [mine] = outcomes.filter((o) => o.userId === u.id);
      const factor = factors.get(u.id);
      assert.ok(factor, `${u.username}: the factor is still there`);
      if (mine!.status === 303) assert.ok(factor.confirmed_at !== null, `${u.username}: a confirmed enrollment survived the crash`);
      else if (mine!.status !== null) assert.equal(factor.confirmed_at, null, `${u.username}: a refused enrollment stayed unconfirmed`);
    }
    const confirmed = outcomes.filter((o) => o.kind === 'enroll' && o.status === 303).length;
    const signedIn = outcomes.filter((o) => o.kind === 'sign-in' && o.status === 303).length;
    t.diagnostic(`answered ${1_000 - cut.length}, cut ${cut.length}; sign-ins accepted ${signedIn} (of ${SIGNING_IN} users), enrollments confirmed ${confirmed}`);
    assert.ok(signedIn > 0 && confirmed > 0, 'the burst did real work on the instance that survived');

    // A restarted instance A finds everything as B left it: a user whose enrollment B confirmed signs in there.
    c.a = await ExampleInstance.start('a2', c.env, c.mfaOptions);
    const enrolled = enrollers.find((u) => outcomes.some((o) => o.userId === u.id && o.status === 303))!;
    const later = new WebClient();
    await logIn(later, c.a.origin, enrolled.username);
    assert.equal((await submitCode(later, c.a.origin, totpCode(enrolled.secret, Date.now(), 1))).status, 303);
  });
});
