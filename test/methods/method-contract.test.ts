import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import request from 'supertest';
import { ConfigurationError } from '../../src/errors.js';
import { createMfa, MemoryStore } from '../../src/index.js';
import type { MfaEvent } from '../../src/index.js';
import * as builtIn from '../../src/methods/built-in.js';
import { buildMfa } from '../../src/mfa.js';
import { demoHost, demoMethod, DEMO_USER_ID as USER_ID, postJson } from '../support/demo-method.js';
import { FakeClock } from '../support/fake-clock.js';
import { csrfIn } from '../support/mfa-flow.js';
import type { Agent } from '../support/mfa-flow.js';

import { DEMO_CODE as CODE } from '../support/demo-method.js';
/** Where the wizard goes after the demo method's setup: the one built-in follow-up this host offers (its MemoryStore keeps recovery codes). */
const AFTER_SETUP = '/mfa/setup/recovery-codes';

describe('a method written against the contract plugs in with its folder and one registration', () => {
  let clock: FakeClock;
  let events: Omit<MfaEvent, 'at'>[];
  let h: ReturnType<typeof demoHost>;

  beforeEach(() => {
    clock = new FakeClock();
    events = [];
    h = demoHost(clock, events);
  });

  async function signedIn(): Promise<Agent> {
    const a = request.agent(h.app) as unknown as Agent;
    await a.post('/test-login');
    return a;
  }

  async function enrolled(): Promise<Agent> {
    const a = await signedIn();
    const chosen = await a.post('/mfa/setup').type('form').send({ _csrf: csrfIn((await a.get('/mfa/setup')).text), contact: 'demo' }).redirects(0);
    assert.equal(chosen.headers.location, '/mfa/setup/demo');
    const done = await postJson(a, '/mfa/setup/demo', '/mfa/setup/demo', { code: CODE });
    assert.deepEqual(done.body, { error: 'redirect', location: AFTER_SETUP });
    return a;
  }

  it('brings its own options: validated at startup with the others, defaults filled, unknown without the method', () => {
    const base = { issuer: 'Contoso', store: new MemoryStore({ warn: () => {} }), secretKey: randomBytes(32) };
    assert.throws(() => buildMfa({ ...base, demo: { code: '12' } }, [...Object.values(builtIn), demoMethod]), (e: unknown) =>
      e instanceof ConfigurationError && /demo\.code: must be 6 digits/.test(e.message));
    assert.throws(() => createMfa({ ...base, demo: { code: CODE } }), /Unrecognized key.*demo/);
  });

  it('is a choice of "How should we contact you?", and its own pages confirm the factor through the attempt runner', async () => {
    const a = await signedIn();
    const page = await a.get('/mfa/setup');
    assert.match(page.text, /<option value="demo">Demo code<\/option>/);
    const chosen = await a.post('/mfa/setup').type('form').send({ _csrf: csrfIn(page.text), contact: 'demo' }).redirects(0);
    assert.equal(chosen.headers.location, '/mfa/setup/demo');
    assert.match((await a.get('/mfa/setup/demo')).text, /Set up the demo code/);
    const wrong = await postJson(a, '/mfa/setup/demo', '/mfa/setup/demo', { code: '000000' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'verification_failed');
    assert.equal((await h.store.core.getLockout(USER_ID)).failures, 1, 'a wrong code counts toward the shared lockout');
    const done = await postJson(a, '/mfa/setup/demo', '/mfa/setup/demo', { code: CODE });
    assert.equal(done.body.location, AFTER_SETUP);
    assert.match((await a.get('/mfa/setup/done')).text, /The demo code is set up\./);
    assert.ok(events.some((e) => e.type === 'factor.enrolled' && e.method === 'demo'));
    assert.equal((await a.get('/account')).status, 200);
  });

  it('is offered on the verify page, runs its ceremony with state in the pending sign-in, and completes the sign-in', async () => {
    await enrolled();
    const b = await signedIn();
    assert.equal((await b.get('/account').redirects(0)).headers.location, '/mfa/verify');
    const verify = await b.get('/mfa/verify');
    assert.match(verify.text, /id="demo-offer"/);
    const options = await b.get('/mfa/verify/demo/options').set('accept', 'application/json');
    assert.equal(typeof options.body.nonce, 'string');
    assert.ok(events.some((e) => e.type === 'demo.options_sent'));
    const replayedNonce = await postJson(b, '/mfa/verify/demo', '/mfa/verify', { code: CODE, nonce: 'not-the-nonce' });
    assert.equal(replayedNonce.status, 401);
    const done = await postJson(b, '/mfa/verify/demo', '/mfa/verify', { code: CODE, nonce: options.body.nonce });
    assert.deepEqual(done.body, { error: 'redirect', location: '/account' });
    assert.equal((await b.get('/account')).status, 200);
    assert.ok(events.some((e) => e.type === 'second_factor.succeeded' && e.method === 'demo'));
  });

  it('serves its browser asset and shows its row on Security info with its own action', async () => {
    const a = await enrolled();
    const asset = await a.get('/mfa/assets/demo/demo.js');
    assert.equal(asset.status, 200);
    assert.match(asset.text, /demo method's browser script/);
    assert.equal((await a.get('/mfa/assets/demo/other.js')).status, 404);
    const info = await a.get('/mfa/manage');
    assert.match(info.text, /Demo code (<span class="mfa-badge">Default<\/span> )?<span class="mfa-factor-name">#/);
    assert.match(info.text, /action="\/mfa\/manage\/demo\/rename">\s*<input type="hidden" name="_csrf"[^>]*>\s*<input type="hidden" name="id" value="[^"]+">\s*<button[^>]*>Rename</);
  });
});
