import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { formTokenIn } from '../../support/harness.js';
import { csrfIn } from '../../support/mfa-flow.js';
import { startPushHarness } from '../../support/push.js';
import type { PushHarness } from '../../support/push.js';

describe('"This wasn\'t me" and signed-in sessions', () => {
  let h: PushHarness;
  beforeEach(async () => {
    h = await startPushHarness();
  });
  afterEach(async () => h.stop());

  // Attack (observed): after "This wasn't me" a signed-in session kept working and minted a new
  // app password. Whoever triggered the notification may already hold a signed-in session
  // (a relayed code, a session taken over): the report ends every session of the user.
  it('ends every signed-in session of the user; none of them can mint an app password', async () => {
    const { browser: signedIn, phone, account } = await h.enrolledPushUser();
    const form = await signedIn.get('/mfa/manage/app-passwords/new');
    assert.equal(form.status, 200);

    h.clock.advance(10 * 60_000);
    const attacker = await h.signInToVerify();
    await h.post(attacker, '/mfa/verify/push/send', {}, '/mfa/verify');
    const [challenge] = await phone.waitForChallenges(account, 0);
    assert.equal(await phone.answer(account, challenge!.id, 'fraud'), 'reported');

    const minted = await signedIn.post('/mfa/manage/app-passwords/new').type('form')
      .send({ _csrf: csrfIn(form.text), form: formTokenIn(form.text), name: 'After the report' }).redirects(0);
    assert.equal(minted.headers.location, '/login');
    assert.deepEqual(await h.store.appPasswords.list(await h.userId()), []);
    assert.equal((await signedIn.get('/').redirects(0)).headers.location, '/login');
    assert.ok(h.events.some((e) => e.type === 'sessions.revoked' && e.reason === 'fraud_report'));
  });
});
