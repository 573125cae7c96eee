import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { postForm } from '../support/mfa-flow.js';
import { addPhone, SwitchableTransport } from '../support/phone.js';

describe('asking for another phone code from the code page', () => {
  let h: Harness;
  let transport: SwitchableTransport;
  before(async () => {
    transport = new SwitchableTransport();
    h = await startHarness({ sms: transport, mfaOptions: { phone: { sendsPerUserPerHour: 3 } } });
    const { agent } = await h.enrolledUser();
    await addPhone(agent, () => transport.latestCode());
    h.clock.advance(3_600_000); // the set-up's sends are in an earlier window
  });
  after(async () => h.stop());

  it('says a new code was sent, and when the hourly limit stops a resend, keeps the field for the code already received', async () => {
    const b = h.agent();
    await h.login(b);
    await b.get('/').redirects(0);
    assert.equal((await postForm(b, '/mfa/verify/phone/send', { channel: 'sms' }, '/mfa/verify')).status, 303);
    const first = await b.get('/mfa/verify/phone');
    assert.doesNotMatch(first.text, /New code sent/, 'the first code is not "new"');

    assert.equal((await postForm(b, '/mfa/verify/phone/send', { channel: 'sms', resend: '1' }, '/mfa/verify/phone')).status, 303);
    const again = await b.get('/mfa/verify/phone');
    assert.match(again.text, /role="status">New code sent to /);

    // The third send of the hour is allowed, the fourth is refused: the code page stays.
    await postForm(b, '/mfa/verify/phone/send', { channel: 'voice', resend: '1' }, '/mfa/verify/phone');
    const refused = await postForm(b, '/mfa/verify/phone/send', { channel: 'sms', resend: '1' }, '/mfa/verify/phone');
    assert.equal(refused.status, 429);
    assert.ok(refused.headers['retry-after'], 'Retry-After says when');
    assert.match(refused.text, /<input id="mfa-code"/, 'the code field is still there');
    assert.match(refused.text, /You can ask for a new code after <time datetime="[^"]+" data-local-time>\d\d:\d\d UTC<\/time>/);
    assert.doesNotMatch(refused.text, /class="mfa-error"/, 'the code field is not marked wrong');
    assert.doesNotMatch(refused.text, />Text me again</, 'the resend buttons that would fail are gone');

    const latest = transport.latestCode();
    assert.notEqual(latest, undefined);
    const done = await postForm(b, '/mfa/verify/phone', { code: latest }, '/mfa/verify/phone');
    assert.equal(done.status, 303, 'the code already received still signs in');
    assert.equal((await b.get('/').redirects(0)).status, 200);
  });
});
