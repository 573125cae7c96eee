import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basic, startHarness } from '../support/harness.js';
import type { Agent, Harness } from '../support/harness.js';
import { DEMO_USER } from '../../example-app/app.js';

const CHALLENGE = 'Basic realm="Contoso", charset="UTF-8"';

describe('mfa.appPasswordStrategy on GET /api/mail', () => {
  let h: Harness;
  let alice: Agent;
  let secret: string;
  let password: string;
  before(async () => {
    h = await startHarness();
    ({ agent: alice, secret } = await h.enrolledUser());
    password = (await h.createAppPassword(alice, 'Outlook')).password!;
  });
  after(async () => h.stop());

  const mail = (authorization?: string) => {
    const req = h.agent().get('/api/mail');
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };

  it('answers 200 with JSON for a valid app password, sets no session, and records the use', async () => {
    const res = await mail(basic('alice', password));
    assert.equal(res.status, 200);
    assert.equal(res.body.user, 'alice');
    assert.ok(Array.isArray(res.body.messages));
    assert.equal(res.headers['set-cookie'], undefined, 'no session for a Basic client');
    const [record] = await h.store.appPasswords.list(h.users.findByUsername('alice')!.id);
    assert.equal(record?.lastUsedAt, h.clock.now());
    assert.equal(h.events.at(-1)?.type, 'app_password.succeeded');
  });

  it('accepts the password as typed by a person: upper case, spaces instead of dashes', async () => {
    assert.equal((await mail(basic('alice', password.toUpperCase().replace(/-/g, ' ')))).status, 200);
  });

  it('challenges a request without credentials with 401 and WWW-Authenticate: Basic', async () => {
    const res = await mail();
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], CHALLENGE);
  });

  it('refuses a wrong password with 401 and the challenge', async () => {
    const wrong = 'abcd-efgh-ijkm-npqr-stuv-wxyz-2345';
    const res = await mail(basic('alice', wrong));
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], CHALLENGE);
  });

  // Attack: using one user's app password under another username (or an unknown one).
  it('refuses an app password under a username it does not belong to', async () => {
    assert.equal((await mail(basic('nobody', password))).status, 401);
    const bob = h.agent();
    const csrf = await h.csrf(bob, '/signup');
    await bob.post('/signup').type('form').send({ _csrf: csrf, username: 'bob', password: 'bob has a long password' });
    assert.equal((await mail(basic('bob', password))).status, 401);
  });

  // Attack: CVE-2021-39890 class: the account password alone over Basic bypasses the second factor.
  it('refuses the account password of a user enrolled in MFA; accepts it for a user without MFA', async () => {
    const res = await mail(basic('alice', DEMO_USER.password));
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], CHALLENGE);
    assert.equal((await mail(basic('bob', 'bob has a long password'))).status, 200, 'bob has no MFA: host allows his password');
    assert.equal((await mail(basic('bob', 'wrong password for bob'))).status, 401);
  });

  // Attack: an app password (no second factor behind it) used to sign in to the browser.
  it('does not work at the browser login', async () => {
    const a = h.agent();
    const csrf = await h.csrf(a, '/login');
    const res = await a.post('/login').type('form').send({ _csrf: csrf, username: 'alice', password }).redirects(0);
    assert.equal(res.status, 401);
    assert.equal((await a.get('/').redirects(0)).headers.location, '/login');
  });

  // Attack: an app password accepted as the second factor (or on any MFA page).
  it('does not work as the second factor at /mfa/verify, and counts as a failure there', async () => {
    const a = h.agent();
    await h.login(a);
    const failuresBefore = (await h.store.core.getLockout(h.users.findByUsername('alice')!.id)).failures;
    const res = await h.submitCode(a, '/mfa/verify', password);
    assert.notEqual(res.status, 303);
    assert.match(res.text, /class="mfa-error"/);
    assert.equal((await h.store.core.getLockout(h.users.findByUsername('alice')!.id)).failures, failuresBefore + 1);
    assert.equal((await a.get('/').redirects(0)).headers.location, '/mfa/verify');

    const manage = await h.agent().get('/mfa/manage').set('Authorization', basic('alice', password)).redirects(0);
    assert.equal(manage.headers.location, '/login', 'Basic credentials are no session on MFA pages');
    await h.store.core.resetFailures(h.users.findByUsername('alice')!.id);
  });

  it('mfa.admin.onPasswordReset(user) revokes all of the user’s app passwords', async () => {
    const second = (await h.createAppPassword(alice, 'Second')).password!;
    const user = h.users.findByUsername('alice')!;
    assert.equal(await h.mfa.admin.onPasswordReset(user), 2);
    assert.equal((await mail(basic('alice', password))).status, 401);
    assert.equal((await mail(basic('alice', second))).status, 401);
    assert.equal(h.events.some((e) => e.type === 'app_password.revoked' && e.reason === 'password_reset'), true);
    assert.equal((await alice.get('/mfa/manage').redirects(0)).headers.location, '/login', 'the signed-in session ended too');
    alice = await h.fullySignedIn(secret);
    assert.equal(await h.mfa.admin.onPasswordReset(user), 0);
    alice = await h.fullySignedIn(secret);
  });

  it('mfa.admin.revokeAppPasswords(userId) revokes all of them (the fraud-report hook)', async () => {
    password = (await h.createAppPassword(alice, 'Again')).password!;
    assert.equal(await h.mfa.admin.revokeAppPasswords(h.users.findByUsername('alice')!.id), 1);
    assert.equal((await mail(basic('alice', password))).status, 401);
  });
});

describe('app password expiry (appPasswords.maxAgeMs)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ appPasswords: { maxAgeMs: 60 * 60_000 } });
  });
  after(async () => h.stop());

  // Attack: an old, forgotten app password used long after it should have lapsed.
  it('works until maxAgeMs has passed, then is refused and shown as expired', async () => {
    const { agent, secret } = await h.enrolledUser();
    const { res, password } = await h.createAppPassword(agent, 'Short-lived');
    assert.match(res.text, /It expires on \d{4}-\d\d-\d\d\./);
    h.clock.advance(60 * 60_000 - 1);
    assert.equal((await h.agent().get('/api/mail').set('Authorization', basic('alice', password!))).status, 200);
    h.clock.advance(1);
    assert.equal((await h.agent().get('/api/mail').set('Authorization', basic('alice', password!))).status, 401);
    await agent.get('/mfa/manage');
    assert.equal((await h.submitCode(agent, '/mfa/verify', h.codeFor(secret))).status, 303, 'verified again after an hour');
    const manage = await agent.get('/mfa/manage');
    assert.match(manage.text, /<td>Short-lived<\/td>[\s\S]*?<td>expired<\/td>/);
  });
});
