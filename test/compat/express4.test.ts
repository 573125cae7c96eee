import { createRequire, register } from 'node:module';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import express4 from 'express4';
import request from 'supertest';
import { FakeClock } from '../support/fake-clock.js';
import { beginTotpSetup, submitCode, totpCode, wrongCode } from '../support/mfa-flow.js';

// express is a peer dependency: in a host that has only Express 4, passport-mfa's own
// `import 'express'` (Router, static, body parsers) loads Express 4 too. This repository installs
// Express 5 as `express`, so that import is redirected to the `express4` alias before
// passport-mfa is loaded.
register('./express4-hooks.js', import.meta.url);
const { MemoryStore } = await import('../../src/index.js');
const { createMinimalHost } = await import('../support/minimal-host.js');

describe('on an Express 4 host', () => {
  const clock = new FakeClock();
  const { app } = createMinimalHost({ express: express4, store: new MemoryStore({ warn: () => {} }), guarded: true, clock: clock.now });
  let secret: string | undefined;

  it('runs passport-mfa itself on Express 4', async () => {
    const version = (createRequire(import.meta.url)('express4/package.json') as { version: string }).version;
    assert.match(version, /^4\./);
    assert.equal((await import('express')).default, express4, "`import 'express'` must load the host's Express 4");
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
    assert.equal(done.headers.location, '/mfa/setup/recovery-codes', 'no sms transport and no appPasswords.findUser: recovery codes only');
    const codes = await a.get('/mfa/setup/recovery-codes');
    assert.equal(codes.status, 200);
    assert.match(codes.text, /href="\/mfa\/setup\/done">Done</);
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
