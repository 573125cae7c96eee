import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

// Attack: clickjacking the sample app's own pages (framing /login or the home page's "Sign out"),
// injected script, and sign-in pages kept in shared caches: they lacked the MFA pages' headers.
describe('example app: security headers on its own pages', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  it('sends the MFA pages’ headers on /login, /signup, /outbox and the signed-in home page', async () => {
    const mfaPage = await h.agent().get('/mfa/setup').redirects(0);
    const expected = ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy', 'cache-control'];
    const { agent } = await h.enrolledUser();
    const pages = [
      ['/login', await h.agent().get('/login')],
      ['/signup', await h.agent().get('/signup')],
      ['/outbox', await h.agent().get('/outbox')],
      ['/', await agent.get('/').redirects(0)],
      ['/login as a 401', await h.agent().post('/login').type('form').send({ username: 'alice', password: 'x' })],
    ] as const;
    for (const [path, res] of pages) {
      for (const header of expected) assert.equal(res.headers[header], mfaPage.headers[header], `${path}: ${header}`);
    }
    assert.match(String(mfaPage.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(pages[3][1].status, 200);
    assert.match(pages[3][1].text, /Signed in as alice/);
  });
});
