import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import express4 from 'express4';
import request from 'supertest';
import { MemoryStore } from '../../src/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { beginTotpSetup, submitCode, totpCode, wrongCode } from '../support/mfa-flow.js';
import { createMinimalHost } from '../support/minimal-host.js';

// passport-mfa's router is built with Express 5's Router; these checks mount it in an Express 4 app.
describe('on an Express 4 host', () => {
  const clock = new FakeClock();
  const { app } = createMinimalHost({ express: express4, store: new MemoryStore({ warn: () => {} }), guarded: true, clock: clock.now });
  let secret: string | undefined;

  it('is really Express 4', () => {
    const version = (createRequire(import.meta.url)('express4/package.json') as { version: string }).version;
    assert.match(version, /^4\./);
  });

  it('sends a signed-in user through setup, then lets the guarded route through', async () => {
    const a = request.agent(app);
    assert.equal((await a.post('/test-login')).status, 204);
    const guarded = await a.get('/account').redirects(0);
    assert.equal(guarded.status, 303);
    assert.equal(guarded.headers.location, '/mfa/setup');
    const script = await a.get('/account').set('Accept', 'application/json').redirects(0);
    assert.equal(script.status, 401);
    assert.equal(script.body.location, '/mfa/setup');
    assert.equal((await a.get('/mfa/assets/mfa.css')).status, 200);

    secret = await beginTotpSetup(a);
    const done = await submitCode(a, '/mfa/setup/totp', totpCode(secret, clock.now()));
    assert.equal(done.status, 303);
    assert.equal(done.headers.location, '/mfa/setup/done');
    assert.match((await a.get('/mfa/setup/done')).text, />Done</);
    const account = await a.get('/account').redirects(0);
    assert.equal(account.status, 200);
    assert.deepEqual(account.body, { user: 'alice' });
  });

  it('answers a wrong code on a new session with the 401 page (not a 500), then accepts the right one', async () => {
    assert.ok(secret, 'needs the enrollment of the previous test');
    clock.advance(30_000);
    const b = request.agent(app);
    await b.post('/test-login');
    assert.equal((await b.get('/account').redirects(0)).headers.location, '/mfa/verify');
    const refused = await submitCode(b, '/mfa/verify', wrongCode(secret, clock.now()));
    assert.equal(refused.status, 401);
    assert.match(refused.headers['content-type'] ?? '', /^text\/html/);
    assert.match(refused.text, /Verification code/);
    assert.equal((await b.get('/account').redirects(0)).status, 303);

    const ok = await submitCode(b, '/mfa/verify', totpCode(secret, clock.now()));
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, '/account');
    assert.equal((await b.get('/account')).status, 200);
  });
});
