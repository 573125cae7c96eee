import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import express from 'express';
import request from 'supertest';
import { DEMO_USER } from '../../../example-app/app.js';
import { MemoryStore } from '../../../src/index.js';
import { DEFAULTS } from '../../../src/options.js';
import { FakeClock } from '../../support/fake-clock.js';
import { startHarness } from '../../support/harness.js';
import { beginTotpSetup, submitCode, totpCode } from '../../support/mfa-flow.js';
import { createMinimalHost, HOST_USER, OTHER_USER } from '../../support/minimal-host.js';
import type { Agent, Harness } from '../../support/harness.js';

// Attack: someone who has only the password (phished, reused) goes around the second step:
// browsing straight to guarded pages, posting to the second-step callbacks, adding their own
// authenticator or deleting the victim's.
const GUARDED_PAGES = ['/', '/mfa/manage', '/mfa/setup/done', '/mfa/setup', '/mfa/setup/totp'];

describe('skipping the second step', () => {
  let h: Harness;
  let secret: string;
  let factorId: string;
  before(async () => {
    h = await startHarness();
    ({ secret } = await h.enrolledUser());
    factorId = (await h.store.core.listFactors(await h.userId()))[0]!.id;
  });
  after(async () => h.stop());

  async function assertFactorsUnchanged() {
    const factors = await h.store.core.listFactors(await h.userId());
    assert.deepEqual(factors.map((f) => [f.id, f.confirmedAt !== null]), [[factorId, true]]);
  }

  describe('an enrolled user with only the password', () => {
    let a: Agent;
    beforeEach(async () => {
      h.freshStep();
      a = await h.halfSignedIn();
    });

    for (const page of GUARDED_PAGES) {
      it(`force-browsing ${page} ends at /mfa/verify`, async () => {
        const { locations, res } = await h.walk(a, page);
        assert.equal(locations.at(-1), '/mfa/verify', `went ${[page, ...locations].join(' → ')}`);
        assert.equal(res.status, 200);
        assert.match(res.text, /Verification code/);
        assert.doesNotMatch(res.text, /Signed in as|mfa-secret|otpauth:/);
      });
    }

    it('cannot start adding an authenticator of their own', async () => {
      const token = await h.csrf(a, '/mfa/verify');
      const res = await a.post('/mfa/setup').type('form').send({ _csrf: token, contact: 'mobile_app', mode: 'otp' }).redirects(0);
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/mfa/verify');
      const qr = await a.get('/mfa/setup/totp/qr.png').redirects(0);
      assert.notEqual(qr.status, 200);
      assert.notEqual(qr.headers['content-type'], 'image/png');
      await assertFactorsUnchanged();
    });

    it('cannot confirm an enrollment with a bogus or even a valid code', async () => {
      const token = await h.csrf(a, '/mfa/verify');
      for (const code of [h.wrongCode(secret), h.codeFor(secret)]) {
        const res = await a.post('/mfa/setup/totp').type('form').send({ _csrf: token, code }).redirects(0);
        assert.equal(res.status, 303);
        assert.equal(res.headers.location, '/mfa/setup');
      }
      assert.equal((await h.walk(a, '/')).locations.at(-1), '/mfa/verify');
      await assertFactorsUnchanged();
    });

    it('cannot pass /mfa/verify with bogus codes', async () => {
      for (const code of [h.wrongCode(secret), '', 'true', '000000 000000']) {
        const res = await h.submitCode(a, '/mfa/verify', code);
        assert.ok(res.status >= 400 && res.status < 500, `${JSON.stringify(code)} → ${res.status}`);
      }
      assert.equal((await a.get('/').redirects(0)).headers.location, '/mfa/verify');
      await h.mfa.admin.unlock(await h.userId());
    });

    it('cannot delete the authenticator', async () => {
      const token = await h.csrf(a, '/mfa/verify');
      const res = await a.post(`/mfa/manage/factors/${factorId}/delete`).type('form').send({ _csrf: token }).redirects(0);
      assert.equal(res.status, 303);
      assert.equal(res.headers.location, '/mfa/verify');
      const json = await a.post(`/mfa/manage/factors/${factorId}/delete`).set('x-csrf-token', token).set('Accept', 'application/json').redirects(0);
      assert.equal(json.status, 401);
      await assertFactorsUnchanged();
    });

    it('gets 401 JSON, never the page, from scripts', async () => {
      for (const page of ['/', '/mfa/manage']) {
        for (const [header, value] of [['X-Requested-With', 'XMLHttpRequest'], ['Accept', 'application/json']]) {
          const res = await a.get(page).set(header!, value!).redirects(0);
          assert.equal(res.status, 401, `${page} with ${header}`);
          assert.match(res.headers['content-type'] as string, /application\/json/);
          assert.deepEqual(res.body, { error: 'mfa_required', location: '/mfa/verify' });
        }
      }
    });
  });

  describe('a session without a pending second step', () => {
    it('cannot use POST /mfa/verify as a shortcut', async () => {
      h.freshStep();
      const a = h.agent();
      await h.login(a);
      // The token comes from the host's own page: this session never opened /mfa/verify.
      const token = await h.csrf(a, '/login');
      for (const code of [undefined, h.wrongCode(secret)]) {
        const res = await a.post('/mfa/verify').type('form').send({ _csrf: token, code }).redirects(0);
        assert.ok(res.status >= 400 && res.status < 500, `${String(code)} → ${res.status}`);
      }
      assert.equal((await a.get('/').redirects(0)).headers.location, '/mfa/verify');
      await h.mfa.admin.unlock(await h.userId());
    });
  });

  describe(`a pending second step older than ${DEFAULTS.pendingTtlMs / 60_000} minutes`, () => {
    it('is still good just before it expires', async () => {
      h.freshStep();
      const a = await h.halfSignedIn();
      const token = await h.csrf(a, '/mfa/verify');
      h.clock.advance(DEFAULTS.pendingTtlMs - 1_000);
      const res = await a.post('/mfa/verify').type('form').send({ _csrf: token, code: h.codeFor(secret) }).redirects(0);
      assert.equal(res.status, 303);
    });

    it('refuses even a correct code, and ends the password sign-in', async () => {
      h.freshStep();
      const a = await h.halfSignedIn();
      const token = await h.csrf(a, '/mfa/verify');
      h.clock.advance(DEFAULTS.pendingTtlMs);
      const res = await a.post('/mfa/verify').type('form').send({ _csrf: token, code: h.codeFor(secret) }).redirects(0);
      assert.equal(res.status, 409);
      const home = await a.get('/').redirects(0);
      assert.equal(home.status, 303);
      assert.equal(home.headers.location, '/login', 'the first factor must be given again');
    });

    it('ends an unfinished enrollment the same way', async () => {
      const fresh = await startHarness();
      try {
        const a = fresh.agent();
        await fresh.login(a);
        const enrolling = await fresh.beginSetup(a);
        const token = await fresh.csrf(a, '/mfa/setup/totp');
        fresh.clock.advance(DEFAULTS.pendingTtlMs);
        const res = await a.post('/mfa/setup/totp').type('form').send({ _csrf: token, code: fresh.codeFor(enrolling) }).redirects(0);
        assert.equal(res.status, 409);
        assert.equal((await a.get('/').redirects(0)).headers.location, '/login');
        assert.deepEqual((await fresh.store.core.listFactors(await fresh.userId())).filter((f) => f.confirmedAt !== null), []);
      } finally {
        await fresh.stop();
      }
    });
  });

  describe('a visitor who is not signed in', () => {
    const pages = [...GUARDED_PAGES, '/mfa/verify', '/mfa/setup/totp/qr.png'];
    for (const page of pages) {
      it(`is sent to /login from ${page}`, async () => {
        const res = await h.agent().get(page).redirects(0);
        assert.equal(res.status, 303);
        assert.equal(res.headers.location, '/login');
      });
    }

    for (const path of ['/mfa/verify', '/mfa/setup', '/mfa/setup/totp', '/mfa/manage/factors/x/delete']) {
      it(`cannot POST ${path}`, async () => {
        const a = h.agent();
        const token = await h.csrf(a, '/login');
        const res = await a.post(path).type('form').send({ _csrf: token, code: h.codeFor(secret), contact: 'mobile_app', mode: 'otp' }).redirects(0);
        assert.equal(res.status, 303);
        assert.equal(res.headers.location, '/login');
        const json = await a.post(path).set('x-csrf-token', token).send({ code: h.codeFor(secret) }).redirects(0);
        assert.equal(json.status, 401);
        assert.equal(json.body.error, 'not_signed_in');
        await assertFactorsUnchanged();
      });
    }
  });

  describe('another user on a browser that passed the second step', () => {
    let fresh: Harness;
    afterEach(async () => fresh.stop());

    it('does not inherit it', async () => {
      fresh = await startHarness();
      const { secret: alices } = await fresh.enrolledUser();
      const a = await fresh.fullySignedIn(alices);
      const token = await fresh.csrf(a, '/signup');
      const signup = await a.post('/signup').type('form').send({ _csrf: token, username: 'mallory', password: `${DEMO_USER.password}!` }).redirects(0);
      assert.equal(signup.status, 303);
      const { locations, res } = await fresh.walk(a, '/');
      assert.equal(locations.at(-1), '/mfa/setup');
      assert.doesNotMatch(res.text, /Signed in as/);
    });

    // Attack: a host that switches users on one session and keeps its data (req.login with
    // keepSessionInfo: true, e.g. "sign in as" or account switching) must not hand the second
    // factor one user completed to the next user.
    it('does not inherit it when the host signs the other user in with keepSessionInfo: true', async () => {
      const clock = new FakeClock();
      const { app } = createMinimalHost({ express, store: new MemoryStore({ warn: () => {} }), guarded: true, clock: clock.now });
      const a = request.agent(app);
      await a.post('/test-login');
      const secret = await beginTotpSetup(a);
      assert.equal((await submitCode(a, '/mfa/setup/totp', totpCode(secret, clock.now()))).status, 303);
      assert.equal((await a.get('/account')).status, 200);

      assert.equal((await a.post(`/test-login?as=${OTHER_USER.id}&keepSessionInfo=1`)).status, 204);
      const asBob = await a.get('/account').redirects(0);
      assert.equal(asBob.status, 303, 'bob did not pass a second factor on this session');
      assert.equal(asBob.headers.location, '/mfa/setup');
      assert.equal((await a.get('/account').set('Accept', 'application/json')).status, 401);

      // The session did keep alice's completed factor: signed in as alice again, she needs no second step.
      await a.post('/test-login?keepSessionInfo=1');
      const asAlice = await a.get('/account').redirects(0);
      assert.equal(asAlice.status, 200);
      assert.deepEqual(asAlice.body, { user: HOST_USER.username });
    });
  });
});
