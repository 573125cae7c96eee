import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

describe('example app: its own refusals', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    h.app.use(h.notFound);
  });
  after(async () => h.stop());

  it('answers an unknown address with a styled 404 page carrying the security headers', async () => {
    const res = await h.agent().get('/no-such-page').set('Accept', 'text/html');
    assert.equal(res.status, 404);
    assert.match(res.text, /<title>Page not found · Contoso<\/title>/);
    assert.match(res.text, /<link rel="stylesheet" href="\/mfa\/assets\/mfa.css">/);
    assert.match(res.text, /href="\/">Go to the home page</);
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
  });

  it('answers scripts with the plain sentence', async () => {
    const res = await h.agent().get('/no-such-page');
    assert.equal(res.status, 404);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.equal(res.text, 'There is no page at this address.');
  });

  it('shows a page a browser can read for a refused form, without echoing the input', async () => {
    const res = await h.agent().post('/logout').set('Accept', 'text/html').type('form').send({ _csrf: '<script>x</script>' });
    assert.equal(res.status, 403);
    assert.match(res.text, /<h1 id="mfa-title">That didn&#39;t work<\/h1>/);
    assert.doesNotMatch(res.text, /<script>x/);
  });
});
