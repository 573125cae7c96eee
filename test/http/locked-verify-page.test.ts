import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

describe('the verify page while the second step is locked', () => {
  let h: Harness;
  let secret: string;
  before(async () => {
    h = await startHarness();
    ({ secret } = await h.enrolledUser());
  });
  after(async () => h.stop());

  // Attack: guessing codes past the lockout; the page must not invite more attempts or sends.
  it('offers nothing that would fail, says until when, and keeps saying it after a reload', async () => {
    h.freshStep();
    const a = await h.halfSignedIn();
    let last;
    for (let i = 0; i < 5; i++) last = await h.submitCode(a, '/mfa/verify', h.wrongCode(secret));
    assert.equal(last!.status, 429);
    const lock = await h.store.core.getLockout(await h.userId());
    assert.ok(lock.lockedUntil !== null && lock.lockedUntil > h.clock.now(), 'the user is locked');
    const until = new Date(lock.lockedUntil).toISOString();
    for (const page of [last!.text, (await a.get('/mfa/verify').redirects(0)).text]) {
      assert.match(page, /Too many failed attempts/);
      assert.ok(page.includes(`Try again after <time datetime="${until}" data-local-time>${until.slice(11, 16)} UTC</time>.`));
      assert.doesNotMatch(page, /Verification code|>Verify<|Text me|Call me|Contact me/);
    }
    h.clock.nowMs = lock.lockedUntil;
    const after = (await (await h.halfSignedIn()).get('/mfa/verify').redirects(0)).text;
    assert.match(after, /Verification code/, 'the code field is back once the lock has ended');
  });
});
