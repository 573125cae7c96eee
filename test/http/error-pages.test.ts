import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LastMethodError, LockedOutError, PhishingResistantRequiredError, PinIncorrectError, RateLimitedError, SessionRevokedError, UntrustedHostError } from '../../src/errors.js';
import { errorTitle } from '../../src/http/error-title.js';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

describe('error pages say what happened', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  it('answers an unknown address under the base path with the package\'s own styled 404 page', async () => {
    const res = await h.agent().get('/mfa/no-such-page');
    assert.equal(res.status, 404);
    assert.match(res.text, /<title>Page not found · /);
    assert.match(res.text, /<link rel="stylesheet" href="\/mfa\/assets\/mfa.css">/);
    assert.match(res.text, /href="\/mfa\/manage">Go to Security info</);
  });

  it('leads "Try again" back to the part of the pages the expired form came from', async () => {
    const { agent } = await h.enrolledUser();
    const cases = [['/mfa/setup/totp', '/mfa/setup'], ['/mfa/manage/recovery-codes', '/mfa/manage'], ['/mfa/verify', '/mfa/verify']] as const;
    for (const [path, back] of cases) {
      const res = await agent.post(path).type('form').send({ _csrf: 'stale' }).redirects(0);
      assert.equal(res.status, 403, path);
      assert.match(res.text, /<title>This page expired · /, path);
      assert.ok(res.text.includes(`href="${back}">Try again<`), `${path}: Try again leads to ${back}`);
    }
  });

  it('answers JSON clients with the JSON error instead', async () => {
    const res = await h.agent().get('/mfa/no-such-page').set('Accept', 'application/json');
    assert.equal(res.status, 404);
    assert.equal(res.body.error, 'not_found');
  });

  it('titles a lockout, an expired page and an outage for what they are', () => {
    assert.equal(errorTitle(new LockedOutError(60)), 'Too many attempts');
    assert.equal(errorTitle({ code: 'csrf_failed', status: 403 }), 'This page expired');
    assert.equal(errorTitle({ code: 'pending_expired', status: 409 }), 'This sign-in step expired');
    assert.equal(errorTitle({ code: 'store_unavailable', status: 503 }), 'Temporarily unavailable');
    assert.equal(errorTitle({ code: 'something_new', status: 500 }), 'Something went wrong');
  });

  it('titles the refusals a browser can land on for what they are', () => {
    assert.equal(errorTitle(new UntrustedHostError()), 'Wrong address');
    assert.equal(errorTitle(new SessionRevokedError()), 'You were signed out');
    assert.equal(errorTitle(new LastMethodError()), "This method can't be deleted");
    assert.equal(errorTitle(new PhishingResistantRequiredError()), 'A security key is needed');
  });

  it('writes counts as words with real plurals, never "minute(s)"', () => {
    assert.match(new LockedOutError(60).message, /Try again in 1 minute\.$/);
    assert.match(new LockedOutError(600).message, /Try again in 10 minutes\.$/);
    assert.match(new RateLimitedError(120).message, /in 2 minutes\.$/);
    assert.match(new PinIncorrectError(1).message, /1 attempt left/);
    assert.match(new PinIncorrectError(3).message, /3 attempts left/);
  });
});
