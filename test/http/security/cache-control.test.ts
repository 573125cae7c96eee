import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness } from '../../support/harness.js';
import type { Harness } from '../../support/harness.js';
import type { Response } from 'supertest';

// Attack: reading a TOTP seed (setup page, QR code) or a second-step page from a browser or proxy
// cache after the user has left, e.g. on a shared computer with the back button.
function assertNoStore(res: Response, what: string) {
  assert.equal(res.headers['cache-control'], 'no-store', `${what} (${res.status})`);
}

describe('Cache-Control: no-store on every MFA page', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  it('on the pages and the QR code that show the secret, including a re-shown setup page after a wrong code', async () => {
    const a = h.agent();
    await h.login(a);
    assertNoStore(await a.get('/mfa/setup'), 'GET /mfa/setup');
    const secret = await h.beginSetup(a);
    const page = await a.get('/mfa/setup/totp');
    assert.match(page.text, /mfa-secret/);
    assertNoStore(page, 'GET /mfa/setup/totp');
    const qr = await a.get('/mfa/setup/totp/qr.png');
    assert.equal(qr.headers['content-type'], 'image/png');
    assertNoStore(qr, 'GET /mfa/setup/totp/qr.png');

    const wrong = await h.submitCode(a, '/mfa/setup/totp', h.wrongCode(secret));
    assert.equal(wrong.status, 401);
    assert.match(wrong.text, /otpauth:/);
    assertNoStore(wrong, 'POST /mfa/setup/totp (wrong code)');

    const done = await h.submitCode(a, '/mfa/setup/totp', h.codeFor(secret));
    assertNoStore(done, 'POST /mfa/setup/totp (redirect)');
    assertNoStore(await a.get('/mfa/setup/done'), 'GET /mfa/setup/done');
    assertNoStore(await a.get('/mfa/manage'), 'GET /mfa/manage');
    assertNoStore(await a.get('/mfa/setup'), 'GET /mfa/setup (adding a method)');
  });

  it('on verification pages, redirects and error pages', async () => {
    const b = await h.halfSignedIn();
    assertNoStore(await b.get('/mfa/verify'), 'GET /mfa/verify');
    assertNoStore(await b.get('/mfa/manage').redirects(0), 'GET /mfa/manage (redirect)');
    assertNoStore(await h.submitCode(b, '/mfa/verify', '12'), 'POST /mfa/verify (bad input)');
    assertNoStore(await b.post('/mfa/verify').type('form').send({}), 'POST /mfa/verify (CSRF refusal)');
    assertNoStore(await h.agent().get('/mfa/verify').redirects(0), 'GET /mfa/verify (not signed in)');
  });
});
