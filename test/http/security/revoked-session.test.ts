import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import express from 'express';
import session from 'express-session';
import request from 'supertest';
import { MemoryStore } from '../../../src/index.js';
import type { SessionData } from 'express-session';
import { FailingStore } from '../../support/failing-store.js';
import { formTokenIn, startHarness } from '../../support/harness.js';
import type { Agent, Harness } from '../../support/harness.js';
import { FakeClock } from '../../support/fake-clock.js';
import { createMinimalHost } from '../../support/minimal-host.js';
import { beginTotpSetup, csrfIn, postForm, submitCode, totpCode } from '../../support/mfa-flow.js';
import { addPhone, signInByPhone } from '../../support/phone.js';
import { cookieHeaderOf } from '../../support/session-cookie.js';

/** Signs a new browser in as alice with a code texted to her backup phone. */
async function signedInByPhone(h: Harness): Promise<Agent> {
  const a = await h.halfSignedIn();
  await signInByPhone(a, h.latestCode);
  return a;
}

/** Where a signed-out browser is sent by the example app's home page and by an MFA page. */
async function assertSignedOut(a: Agent, why: string): Promise<void> {
  assert.equal((await a.get('/').redirects(0)).headers.location, '/login', `${why}: the host's page`);
  assert.equal((await a.get('/mfa/manage').redirects(0)).headers.location, '/login', `${why}: Security info`);
}

describe('sessions that must end', () => {
  let h: Harness;
  let alice: Agent;
  let secret: string;
  beforeEach(async () => {
    h = await startHarness();
    ({ agent: alice, secret } = await h.enrolledUser());
  });
  afterEach(async () => h.stop());

  // Attack (observed): a session signed in with the backup phone stayed signed in after the phone
  // was deleted in another session, and minted a working app password.
  it('ends the sessions that signed in with a method deleted elsewhere, on their very next request', async () => {
    await addPhone(alice, h.latestCode);
    h.clock.advance(30_000);
    const byPhone = await signedInByPhone(h);
    const byApp = await h.fullySignedIn(secret);
    // The phone session has its app-password form open (a valid CSRF and form token) before the deletion.
    const form = await byPhone.get('/mfa/manage/app-passwords/new');
    assert.equal(form.status, 200);

    const phoneId = (await h.store.core.listFactors(await h.userId())).find((f) => f.type === 'phone')!.id;
    const deleted = await postForm(alice, `/mfa/manage/factors/${phoneId}/delete`, {}, '/mfa/manage');
    assert.equal(deleted.headers.location, '/mfa/manage');

    const minted = await byPhone.post('/mfa/manage/app-passwords/new').type('form')
      .send({ _csrf: csrfIn(form.text), form: formTokenIn(form.text), name: 'Attacker' }).redirects(0);
    assert.equal(minted.status, 303);
    assert.equal(minted.headers.location, '/login');
    assert.deepEqual(await h.store.appPasswords.list(await h.userId()), [], 'no app password was made');
    await assertSignedOut(byPhone, 'the phone session');
    assert.ok(h.events.some((e) => e.type === 'session.ended' && e.reason === 'revoked'));

    assert.equal((await byApp.get('/')).status, 200, 'a session that signed in with the app is untouched');
    assert.equal((await alice.get('/mfa/manage')).status, 200, 'the session that deleted it stays');
  });

  // Attack: a session left signed in on a lost laptop or a shared computer keeps working after the
  // user pressed "Sign out everywhere".
  it('"Sign out everywhere" ends every other session on its next request and keeps this one', async () => {
    const laptop = await h.fullySignedIn(secret);
    const script = await h.fullySignedIn(secret);
    const done = await postForm(alice, '/mfa/manage/sign-out-everywhere', {}, '/mfa/manage');
    assert.equal(done.headers.location, '/mfa/manage');
    assert.match((await alice.get('/mfa/manage')).text, /You were signed out everywhere else\. You are still signed in here\./);
    assert.equal((await alice.get('/')).status, 200);

    const json = await script.get('/mfa/manage').set('Accept', 'application/json').redirects(0);
    assert.equal(json.status, 401);
    assert.deepEqual(json.body, { error: 'session_revoked', message: 'You were signed out. Sign in again.' });
    await assertSignedOut(laptop, 'the laptop');
    assert.ok(h.events.some((e) => e.type === 'sessions.revoked' && e.reason === 'sign_out_everywhere'));

    const again = await h.fullySignedIn(secret);
    assert.equal((await again.get('/')).status, 200, 'signing in afterwards works');
  });

  // Attack: an administrator resets the factors (or the user's password) after an account
  // takeover, and the attacker's signed-in session carries on.
  for (const [name, revoke, reason] of [
    ['mfa.admin.revokeSessions(userId)', (hh: Harness, id: string) => hh.mfa.admin.revokeSessions(id), 'admin'],
    ['mfa.admin.resetFactors(userId)', (hh: Harness, id: string) => hh.mfa.admin.resetFactors(id), 'factors_reset'],
    ['mfa.admin.onPasswordReset(user)', (hh: Harness, id: string) => hh.mfa.admin.onPasswordReset(hh.users.find(id)!), 'password_reset'],
  ] as const) {
    it(`${name} ends every session of the user`, async () => {
      const other = await h.fullySignedIn(secret);
      await revoke(h, await h.userId());
      await assertSignedOut(alice, name);
      await assertSignedOut(other, name);
      assert.ok(h.events.some((e) => e.type === 'sessions.revoked' && e.reason === reason));
    });
  }

  // Attack: replaying the revoked session's cookie after its refusal.
  it('a revoked session’s old cookie stays worthless after the refusal', async () => {
    const old = cookieHeaderOf(alice);
    assert.match(old, /^example\.sid=s%3A/);
    await h.mfa.admin.revokeSessions(await h.userId());
    await assertSignedOut(alice, 'first refusal');
    const replay = await request(h.app).get('/mfa/manage').set('Cookie', old).redirects(0);
    assert.equal(replay.headers.location, '/login');
  });
});

describe('the session check against stale and unreadable records', () => {
  // Attack: a session record written before session generations existed (or edited in the
  // session store) carries no generation and must not pass as current.
  it('ends a completed session that records no generation', async () => {
    const sessions = new session.MemoryStore();
    const h = await startHarness({ sessionStore: sessions });
    try {
      const { agent } = await h.enrolledUser();
      const all = await new Promise<Record<string, SessionData>>((resolve, reject) => sessions.all((err, s) => (err ? reject(err) : resolve(s as Record<string, SessionData>))));
      const [sid, data] = Object.entries(all).find(([, s]) => s.mfa?.completed)!;
      delete (data.mfa!.completed as { generation?: number }).generation;
      await new Promise<void>((resolve, reject) => sessions.set(sid, data, (err) => (err ? reject(err) : resolve())));
      await assertSignedOut(agent, 'no generation');
    } finally {
      await h.stop();
    }
  });

  // Attack: the store is unreachable while a revoked session asks for a page: it is refused (503), never let through.
  it('answers 503 when the generation cannot be read, and never serves the page', async () => {
    let failing: FailingStore | undefined;
    const h = await startHarness({}, { wrapStore: (store) => (failing = new FailingStore(store)).store });
    try {
      const { agent } = await h.enrolledUser();
      assert.equal((await agent.get('/')).status, 200);
      failing!.fail('sessionGenerations.get');
      h.clock.advance(1_000); // past sessionCheckCacheMs: the next check reads the store
      const res = await agent.get('/').redirects(0);
      assert.equal(res.status, 503);
      assert.doesNotMatch(res.text, /Signed in as/);
      assert.equal((await agent.get('/mfa/manage').redirects(0)).status, 503);
      failing!.recover();
      assert.equal((await agent.get('/')).status, 200, 'the session was not ended by the outage');
    } finally {
      await h.stop();
    }
  });
});

describe('mfa.admin.onPasswordReset(user, { keep: req }) from the host\'s own password-change route', () => {
  // Attack: someone signed in with the old password (and a second factor) stays signed in after
  // the owner changed it; the owner's own session must not be thrown out with theirs.
  it('ends every other session and keeps the one that changed the password', async () => {
    const clock = new FakeClock();
    const host = createMinimalHost({ express, store: new MemoryStore({ warn: () => {} }), guarded: true, clock: clock.now, push: { enabled: false } });
    host.app.post('/password-changed', async (req, res) => {
      await host.mfa.admin.onPasswordReset(req.user!, { keep: req });
      res.status(204).end();
    });
    const owner = request.agent(host.app);
    await owner.post('/test-login');
    const secret = await beginTotpSetup(owner);
    assert.equal((await submitCode(owner, '/mfa/setup/totp', totpCode(secret, clock.now()))).status, 303);
    clock.advance(30_000);
    const intruder = request.agent(host.app);
    await intruder.post('/test-login');
    await intruder.get('/account');
    assert.equal((await submitCode(intruder, '/mfa/verify', totpCode(secret, clock.now()))).status, 303);
    assert.equal((await intruder.get('/account')).status, 200);

    assert.equal((await owner.post('/password-changed')).status, 204);
    assert.equal((await owner.get('/account')).status, 200, 'the session that changed the password stays');
    assert.equal((await owner.get('/mfa/manage')).status, 200);
    const ended = await intruder.get('/account').set('Accept', 'application/json').redirects(0);
    assert.equal(ended.status, 401);
    assert.equal(ended.body.error, 'session_revoked');
    assert.equal((await intruder.get('/account').redirects(0)).status, 401, 'signed out for good');
  });
});
