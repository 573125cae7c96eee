import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextSetupStep } from '../support/setup-wizard.js';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

describe('one-time password flow, end to end over HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  it('sends a signed-in, unenrolled user to setup, then to the remembered page after Done', async () => {
    const a = h.agent();
    await h.login(a);
    const home = await a.get('/').redirects(0);
    assert.equal(home.status, 303);
    assert.equal(home.headers.location, '/mfa/setup');

    const setup = await a.get('/mfa/setup');
    assert.equal(setup.status, 200);
    assert.match(setup.text, /Additional security verification/);
    assert.match(setup.text, /How should we contact you\?/);
    assert.match(setup.text, /Mobile app/);
    assert.match(setup.text, />Set up</);

    const secret = await h.beginSetup(a);
    assert.equal(secret.length, 32, '160-bit seed in base32');
    const page = await a.get('/mfa/setup/totp');
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.text, /alt="QR code"/);
    assert.match(page.text, /otpauth:\/\/totp\//);
    const qr = await a.get('/mfa/setup/totp/qr.png');
    assert.equal(qr.status, 200);
    assert.equal(qr.headers['content-type'], 'image/png');
    assert.equal(qr.headers['cache-control'], 'no-store');

    const done = await h.submitCode(a, '/mfa/setup/totp', h.codeFor(secret));
    assert.equal(done.status, 303);
    assert.equal(done.headers.location, `/mfa${nextSetupStep('/setup/totp')}`, 'the wizard goes on to its next step');
    const donePage = await a.get('/mfa/setup/done');
    assert.match(donePage.text, /href="\/"[^>]*>Done</);

    const signedIn = await a.get('/');
    assert.equal(signedIn.status, 200);
    assert.match(signedIn.text, /Signed in as alice/);
    assert.match(signedIn.text, />Sign out</);

    // A later sign-in asks for a code on the verification page.
    const b = h.agent();
    await h.login(b);
    const again = await b.get('/').redirects(0);
    assert.equal(again.headers.location, '/mfa/verify');
    const verify = await b.get('/mfa/verify');
    assert.match(verify.text, /Verification code/);
    assert.match(verify.text, />Verify</);
    h.clock.advance(30_000);
    const ok = await h.submitCode(b, '/mfa/verify', h.codeFor(secret));
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, '/');
    assert.match((await b.get('/')).text, /Signed in as alice/);
  });
});
