import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import express from 'express';
import request from 'supertest';
import { ConfigurationError } from '../../src/errors.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import type { StepUpOptions } from '../../src/policy/step-up.js';
import { FakeClock } from '../support/fake-clock.js';
import { startHarness } from '../support/harness.js';
import type { Agent, Harness } from '../support/harness.js';
import { beginTotpSetup, postForm, recoveryCodesIn, submitCode, totpCode } from '../support/mfa-flow.js';
import { createMinimalHost } from '../support/minimal-host.js';
import { addPhone, signInByPhone } from '../support/phone.js';
import { startPushHarness } from '../support/push.js';
import { assertionFor, halfSignedInAs, KEY_ORIGIN, postAssertion, userWithKey } from '../support/security-key.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';
import { DEMO_CODE, demoHost, demoMethod, postJson } from '../support/demo-method.js';
import type { MfaEvent } from '../../src/events.js';
import type { SecondFactorMethod } from '../../src/methods/method.js';

describe('requireSecondFactor({ maxAge }) on the sample app’s Billing page', () => {
  let h: Harness;
  let alice: Agent;
  let secret: string;
  beforeEach(async () => {
    h = await startHarness();
    ({ agent: alice, secret } = await h.enrolledUser());
  });
  afterEach(async () => h.stop());

  it('serves a step at most 5 minutes old and shows how it was made', async () => {
    h.clock.advance(5 * 60_000 - 30_000); // enrolledUser() moved the clock 30 s on already
    const page = await alice.get('/billing');
    assert.equal(page.status, 200);
    assert.match(page.text, /with totp \(amr: otp mfa\)/);
  });

  // Attack: a session signed in this morning reaches a sensitive page without the user at the keyboard.
  it('sends an older step to verify again and back to the same URL', async () => {
    h.clock.advance(5 * 60_000);
    const res = await alice.get('/billing?tab=cards').redirects(0);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/mfa/verify');
    assert.equal((await alice.get('/mfa/verify')).status, 200, 'the verify page asks again');
    h.freshStep();
    const done = await submitCode(alice, '/mfa/verify', h.codeFor(secret));
    assert.equal(done.headers.location, '/billing?tab=cards');
    assert.equal((await alice.get('/billing')).status, 200);
    assert.equal((await alice.get('/')).status, 200, 'other pages were never affected');
  });

  it('answers scripts 401 mfa_step_up with an RFC 9470-style challenge', async () => {
    h.clock.advance(5 * 60_000);
    const res = await alice.get('/billing').set('Accept', 'application/json').redirects(0);
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'mfa_step_up');
    assert.equal(res.body.location, '/mfa/verify');
    assert.equal(res.headers['www-authenticate'], 'Bearer error="insufficient_user_authentication", error_description="More recent authentication is required", max_age="300"');
  });

  it('is checked at startup: a bad maxAge or an unknown option is a ConfigurationError', () => {
    for (const options of [{ maxAge: 300 }, { maxAge: '5 minutes' }, { maxAge: '5m', extra: true }, { phishingResistant: 1 }]) {
      assert.throws(() => h.mfa.requireSecondFactor(options as unknown as StepUpOptions), ConfigurationError, JSON.stringify(options));
    }
  });
});

describe('mfa.status(req) through the Billing page: amr of each method', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  for (const [channel, amr] of [['sms', 'sms mfa'], ['voice', 'tel mfa']] as const) {
    it(`a code by ${channel} is amr "${amr}"`, async () => {
      h = await startHarness();
      const { agent } = await h.enrolledUser();
      await addPhone(agent, h.latestCode);
      h.clock.advance(30_000);
      const b = await h.halfSignedIn();
      await signInByPhone(b, h.latestCode, channel);
      assert.match((await b.get('/billing')).text, new RegExp(`with phone \\(amr: ${amr}\\)`));
    });
  }
});

describe('mfa.status(req) of a push sign-in', () => {
  it('is amr "pop swk mca mfa": a signed answer from a software key, and the number typed on a second channel', async () => {
    const h = await startPushHarness();
    try {
      const { browser } = await h.enrolledPushUser();
      assert.match((await browser.get('/billing')).text, /with push \(amr: pop swk mca mfa\)/);
    } finally {
      await h.stop();
    }
  });
});

describe('status() and phishingResistant on a host of its own', () => {
  const clock = new FakeClock();
  let app: express.Express;
  let agent: Agent;
  let secret: string;
  beforeEach(async () => {
    const host = createMinimalHost({ express, store: new MemoryStore({ warn: () => {} }), guarded: true, clock: clock.now, push: { enabled: false } });
    app = host.app;
    app.get('/status', async (req, res) => void res.json(await host.mfa.status(req)));
    app.get('/keys-only', host.mfa.requireSecondFactor({ phishingResistant: true }), (_req, res) => void res.json({ ok: true }));
    agent = request.agent(app);
    await agent.post('/test-login');
    assert.equal((await agent.get('/status')).body, null, 'no second step yet');
    secret = await beginTotpSetup(agent);
    assert.equal((await submitCode(agent, '/mfa/setup/totp', totpCode(secret, clock.now()))).status, 303);
    clock.advance(30_000);
  });

  it('reports who, how and when, for the host’s own tokens', async () => {
    const status = (await agent.get('/status')).body;
    assert.equal(status.userId, 'u1');
    assert.equal(status.method, 'totp');
    assert.equal(typeof status.factorId, 'string');
    assert.equal(status.at, clock.now() - 30_000);
    assert.deepEqual(status.amr, ['otp', 'mfa']);
    assert.equal(status.phishingResistant, false);
  });

  // Attack: a one-time code (which a look-alike site can relay) passes a page that needs a security key.
  it('refuses every method but a security key for a phishing-resistant page', async () => {
    const page = await agent.get('/keys-only').redirects(0);
    assert.equal(page.headers.location, '/mfa/verify');
    const verify = await agent.get('/mfa/verify');
    assert.match(verify.text, /needs a security key or passkey, and none is set up for your account/);
    assert.doesNotMatch(verify.text, /name="code"/, 'no code field is offered');

    const before = (await agent.get('/status')).body;
    clock.advance(30_000);
    // The page has no form; a crafted POST takes its CSRF token from Security info.
    const res = await submitCode(agent, '/mfa/verify', totpCode(secret, clock.now()), '/mfa/manage');
    assert.equal(res.status, 403);
    assert.match(res.text, /This page needs a security key or passkey\./);
    assert.deepEqual((await agent.get('/status')).body, before, 'the step was not redone');
    assert.equal((await agent.get('/keys-only').redirects(0)).status, 303);

    const json = await agent.get('/keys-only').set('Accept', 'application/json').redirects(0);
    assert.equal(json.status, 401);
    assert.equal(json.headers['www-authenticate'], 'Bearer error="insufficient_user_authentication", error_description="A phishing-resistant authentication is required", acr_values="phr"');
    assert.equal((await agent.get('/account')).status, 200, 'pages without the requirement are unaffected');
  });

  // Attack: a recovery code (which a look-alike site can relay like any code) passes a page that needs a security key.
  it('reports a recovery-code sign-in as amr otp, and never takes a code for a phishing-resistant page', async () => {
    const codes = recoveryCodesIn((await agent.get('/mfa/setup/recovery-codes')).text);
    assert.equal(codes.length, 10, 'the wizard showed the codes after the first method');
    const other = request.agent(app);
    await other.post('/test-login');
    await other.get('/account');
    assert.equal((await postForm(other, '/mfa/verify/recovery', { code: codes[0] })).status, 303);
    assert.deepEqual((await other.get('/status')).body, {
      userId: 'u1', method: 'recovery_code', factorId: null, at: clock.now(), amr: ['otp', 'mfa'], phishingResistant: false,
    });

    assert.equal((await other.get('/keys-only').redirects(0)).headers.location, '/mfa/verify');
    assert.doesNotMatch((await other.get('/mfa/verify')).text, /Use a recovery code/);
    const res = await postForm(other, '/mfa/verify/recovery', { code: codes[1] }, '/mfa/manage');
    assert.equal(res.status, 403);
    assert.equal((await other.get('/status')).body.method, 'recovery_code', 'the step was not redone');
    assert.equal((await other.get('/keys-only').redirects(0)).status, 303);
    const manage = await other.get('/mfa/manage');
    assert.match(manage.text, /<strong>9<\/strong> of 10 left/, 'the refused code was not used up');
  });

  it('reports null for a session that was revoked, and keeps reporting the one that asked', async () => {
    const other = request.agent(app);
    await other.post('/test-login');
    await other.get('/account');
    clock.advance(30_000);
    assert.equal((await submitCode(other, '/mfa/verify', totpCode(secret, clock.now()))).status, 303);
    assert.equal((await other.get('/status')).body.method, 'totp');
    await postForm(agent, '/mfa/manage/sign-out-everywhere', {}, '/mfa/manage');
    assert.equal((await other.get('/status')).body, null);
    assert.equal((await agent.get('/status')).body.method, 'totp');
  });
});

describe('requireSecondFactor({ phishingResistant: true }) with a phishing-resistant method', () => {
  it('offers only that method, and completing it returns to the page with a phishing-resistant status', async () => {
    const clock = new FakeClock();
    const events: Omit<MfaEvent, 'at'>[] = [];
    const keyLike: SecondFactorMethod = { ...demoMethod, assurance: { amr: ['hwk', 'user'], phishingResistant: true } };
    const { app, mfa } = demoHost(clock, events, keyLike);
    app.get('/status', async (req, res) => void res.json(await mfa.status(req)));
    app.get('/keys-only', mfa.requireSecondFactor({ phishingResistant: true }), (_req, res) => void res.json({ ok: true }));
    const setup = request.agent(app) as unknown as Agent;
    await setup.post('/test-login');
    const secret = await beginTotpSetup(setup);
    assert.equal((await submitCode(setup, '/mfa/setup/totp', totpCode(secret, clock.now()))).status, 303);
    assert.equal((await postForm(setup, '/mfa/manage/add-method', { method: 'demo' })).headers.location, '/mfa/setup/demo');
    assert.equal((await postJson(setup, '/mfa/setup/demo', '/mfa/setup/demo', { code: DEMO_CODE })).body.location, '/mfa/manage', 'added from Security info: back there');

    clock.advance(30_000);
    const a = request.agent(app) as unknown as Agent;
    await a.post('/test-login');
    await a.get('/account');
    assert.equal((await submitCode(a, '/mfa/verify', totpCode(secret, clock.now()))).status, 303);
    assert.equal((await a.get('/status')).body.phishingResistant, false, 'this session signed in with the app');

    assert.equal((await a.get('/keys-only').redirects(0)).headers.location, '/mfa/verify');
    const verify = (await a.get('/mfa/verify')).text;
    assert.match(verify, /id="demo-offer"/);
    assert.doesNotMatch(verify, /name="code"/, 'the app is not offered');
    const { nonce } = (await a.get('/mfa/verify/demo/options').set('accept', 'application/json')).body as { nonce: string };
    const done = await postJson(a, '/mfa/verify/demo', '/mfa/verify', { code: DEMO_CODE, nonce });
    assert.equal(done.body.location, '/keys-only');
    assert.equal((await a.get('/keys-only')).status, 200);
    const status = (await a.get('/status')).body;
    assert.equal(status.method, 'demo');
    assert.deepEqual(status.amr, ['hwk', 'user', 'mfa']);
    assert.equal(status.phishingResistant, true);
  });
});

describe('requireSecondFactor({ phishingResistant: true }) with a real security key', () => {
  // Attack: a one-time code relayed by a look-alike site passes a page that needs a phishing-resistant step.
  it('takes a session signed in with a code through the key, back to the page, with the key’s amr', async () => {
    const h = await startHarness({ origin: KEY_ORIGIN });
    try {
      h.app.get('/keys-only', h.mfa.requireSecondFactor({ phishingResistant: true }), (_req, res) => void res.send('keys only'));
      const key = new SoftAuthenticator();
      const user = await userWithKey(h, key, 'Keyring');
      const secret = await beginTotpSetup(user.agent);
      assert.equal((await submitCode(user.agent, '/mfa/setup/totp', h.codeFor(secret))).status, 303);

      h.clock.advance(30_000);
      const a = await halfSignedInAs(h, user);
      assert.equal((await submitCode(a, '/mfa/verify', h.codeFor(secret))).status, 303);
      assert.match((await a.get('/billing')).text, /with totp \(amr: otp mfa\)/);

      assert.equal((await a.get('/keys-only').redirects(0)).headers.location, '/mfa/verify');
      const verify = (await a.get('/mfa/verify')).text;
      assert.match(verify, />Use security key</);
      assert.doesNotMatch(verify, /name="code"/, 'no code field');
      const refused = await submitCode(a, '/mfa/verify', h.codeFor(secret, 1));
      assert.equal(refused.status, 403, 'a code is refused here');

      const done = await postAssertion(a, await assertionFor(a, key));
      assert.equal(done.headers.location, '/keys-only');
      assert.equal((await a.get('/keys-only')).text, 'keys only');
      assert.match((await a.get('/billing')).text, /with security_key \(amr: hwk pop user mfa\)/);
    } finally {
      await h.stop();
    }
  });
});
