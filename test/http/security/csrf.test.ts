import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DEMO_USER } from '../../../example-app/app.js';
import { startHarness } from '../../support/harness.js';
import type { Agent, Harness } from '../../support/harness.js';

// Attack: cross-site request forgery. Another site makes the victim's browser post our forms
// with the victim's cookies: complete or burn a second step, add or delete an authenticator,
// sign the victim in or out, create accounts.

/** The `_csrf` an attacker can send: none, empty, the attacker's own valid token, or several. */
async function forgedTokens(h: Harness): Promise<[string, Record<string, unknown> | string][]> {
  const attacker = h.agent();
  const theirs = await h.csrf(attacker, '/login');
  return [
    ['missing', {}],
    ['empty', { _csrf: '' }],
    ["another session's valid token", { _csrf: theirs }],
    ['a repeated field', `_csrf=${encodeURIComponent(theirs)}&_csrf=${encodeURIComponent(theirs)}`],
  ];
}

/** Posts the form with the forged token, keeping the legitimate `fields`; expects 403. */
async function postForged(a: Agent, path: string, forged: Record<string, unknown> | string, fields: Record<string, string>) {
  const body = typeof forged === 'string' ? `${forged}&${new URLSearchParams(fields).toString()}` : { ...fields, ...forged };
  const res = await a.post(path).type('form').send(body).redirects(0);
  assert.equal(res.status, 403, `${path}: ${res.status} ${res.text.slice(0, 200)}`);
  return res;
}

describe('CSRF protection', () => {
  let h: Harness;
  let forged: Awaited<ReturnType<typeof forgedTokens>>;
  beforeEach(async () => {
    h = await startHarness();
    forged = await forgedTokens(h);
  });
  afterEach(async () => h.stop());

  const factors = async () => h.store.core.listFactors(await h.userId());

  it('POST /mfa/setup: starts no enrollment', async () => {
    const a = h.agent();
    await h.login(a);
    for (const [, f] of forged) await postForged(a, '/mfa/setup', f, { contact: 'mobile_app', mode: 'otp' });
    assert.deepEqual(await factors(), []);
    assert.equal((await a.get('/mfa/setup/totp').redirects(0)).headers.location, '/mfa/setup');
  });

  it('POST /mfa/manage/add-method and its Cancel: start nothing, discard nothing', async () => {
    const { agent: a } = await h.enrolledUser();
    const before = await factors();
    for (const [, f] of forged) await postForged(a, '/mfa/manage/add-method', f, { method: 'totp' });
    assert.deepEqual(await factors(), before);
    const token = await h.csrf(a, '/mfa/manage/add-method');
    assert.equal((await a.post('/mfa/manage/add-method').type('form').send({ _csrf: token, method: 'totp' }).redirects(0)).status, 303);
    const started = await factors();
    for (const [, f] of forged) await postForged(a, '/mfa/manage/add-method/cancel', f, {});
    assert.deepEqual(await factors(), started, 'the method being added is still there');
    assert.equal((await a.get('/mfa/setup/totp')).status, 200);
  });

  it('POST /mfa/setup/totp: confirms nothing, even with the right code', async () => {
    const a = h.agent();
    await h.login(a);
    const secret = await h.beginSetup(a);
    for (const [, f] of forged) await postForged(a, '/mfa/setup/totp', f, { code: h.codeFor(secret) });
    assert.deepEqual((await factors()).map((f) => f.confirmedAt), [null]);
    assert.equal((await a.get('/').redirects(0)).headers.location, '/mfa/setup');
    // Nothing was consumed or counted: the same code still confirms with the real token.
    assert.equal((await h.submitCode(a, '/mfa/setup/totp', h.codeFor(secret))).status, 303);
  });

  it('POST /mfa/verify: is no success and burns neither the code nor a guess', async () => {
    const { secret } = await h.enrolledUser();
    const a = await h.halfSignedIn();
    for (const [, f] of forged) await postForged(a, '/mfa/verify', f, { code: h.codeFor(secret) });
    await postForged(a, '/mfa/verify', {}, { code: h.wrongCode(secret) });
    assert.equal((await a.get('/').redirects(0)).headers.location, '/mfa/verify');
    assert.equal((await h.store.core.getLockout(await h.userId())).failures, 0);
    assert.equal((await h.submitCode(a, '/mfa/verify', h.codeFor(secret))).status, 303);
  });

  it('POST /mfa/manage/factors/:id/delete: deletes nothing', async () => {
    const { agent: a } = await h.enrolledUser();
    const [factor] = await factors();
    for (const [, f] of forged) await postForged(a, `/mfa/manage/factors/${factor!.id}/delete`, f, {});
    const json = await a.post(`/mfa/manage/factors/${factor!.id}/delete`).set('x-csrf-token', 'forged').send({}).redirects(0);
    assert.equal(json.status, 403);
    assert.deepEqual(await factors(), [factor]);
  });

  it('POST /login: signs nobody in, even with the right password', async () => {
    const a = h.agent();
    await h.csrf(a, '/login');
    for (const [, f] of forged) await postForged(a, '/login', f, { username: DEMO_USER.username, password: DEMO_USER.password });
    assert.equal((await a.get('/').redirects(0)).headers.location, '/login');
  });

  it('POST /signup: creates no account and signs nobody in', async () => {
    const a = h.agent();
    await h.csrf(a, '/signup');
    for (const [, f] of forged) await postForged(a, '/signup', f, { username: 'mallory', password: 'a long enough password' });
    assert.equal(await h.users.verify('mallory', 'a long enough password'), null);
    assert.equal((await a.get('/').redirects(0)).headers.location, '/login');
  });

  it('POST /logout: keeps the user signed in', async () => {
    const { agent: a } = await h.enrolledUser();
    for (const [, f] of forged) await postForged(a, '/logout', f, {});
    assert.match((await a.get('/')).text, /Signed in as alice/);
  });

  it('accepts the session’s own token (the refusals above are about the token)', async () => {
    const { agent: a } = await h.enrolledUser();
    const res = await a.post('/logout').type('form').send({ _csrf: await h.csrf(a, '/') }).redirects(0);
    assert.equal(res.status, 303);
    assert.equal((await a.get('/').redirects(0)).headers.location, '/login');
  });
});
