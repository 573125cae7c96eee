import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { postForm } from '../support/mfa-flow.js';
import { addPhone } from '../support/phone.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';

describe('backup phone next to the companion app', () => {
  let h: PushHarness;
  beforeEach(async () => {
    h = await startPushHarness();
  });
  afterEach(async () => h.stop());

  it('the phone code page offers the mobile app back to a user whose app is the companion authenticator', async () => {
    const { browser } = await h.enrolledPushUser();
    await addPhone(browser, h.latestCode);
    const b = await h.signInToVerify();
    const sent = await postForm(b, '/mfa/verify/phone/send', { channel: 'sms' }, '/mfa/verify');
    assert.equal(sent.status, 303);
    const page = await b.get('/mfa/verify/phone');
    assert.equal(page.status, 200);
    assert.match(page.text, /Use your mobile app instead/);
  });
});
