import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startHarness } from '../../support/harness.js';
import type { Agent, Harness } from '../../support/harness.js';
import { postForm } from '../../support/mfa-flow.js';
import { addPhone, SwitchableTransport, US_NUMBER } from '../../support/phone.js';

// Attack: toll fraud (international revenue share fraud) through the backup-phone form: an
// attacker with a password enrolls numbers it is paid for and has codes texted or read to them.
describe('backup phone destinations', () => {
  let h: Harness;
  let transport: SwitchableTransport;
  let a: Agent;

  before(async () => {
    transport = new SwitchableTransport();
    h = await startHarness({ sms: transport });
  });
  after(async () => h.stop());
  beforeEach(async () => {
    await h.mfa.admin.resetFactors(await h.userId());
    h.clock.advance(3_600_000);
    ({ agent: a } = await h.enrolledUser());
  });

  it('places no call to a satellite number entered with "United States" selected', async () => {
    const callsBefore = transport.calls;
    const res = await postForm(a, '/mfa/setup/phone', { country: 'US', number: '+881 6 1234 5678', channel: 'voice', action: 'next' });
    assert.equal(res.status, 400);
    assert.match(res.text, /That number is not in any country \(satellite phones and international networks cannot receive sign-in codes\)/);
    assert.equal(transport.calls, callsBefore);
  });

  it('does not let a "+" number override the chosen country: it is refused and its country selected visibly', async () => {
    const callsBefore = transport.calls;
    const res = await postForm(a, '/mfa/setup/phone', { country: 'US', number: '+44 7400 123456', channel: 'sms', action: 'next' });
    assert.equal(res.status, 400);
    assert.match(res.text, /That number is in United Kingdom \(\+44\), not United States \(\+1\)/);
    assert.match(res.text, /<option value="GB" selected>United Kingdom \(\+44\)</);
    assert.equal(transport.calls, callsBefore);
    const resubmitted = await postForm(a, '/mfa/setup/phone', { country: 'GB', number: '+44 7400 123456', channel: 'sms', action: 'next' });
    assert.equal(resubmitted.headers.location, '/mfa/setup/phone/verify', 'with the country confirmed, the code is sent');
  });
});

describe('phone.allowedCountries', () => {
  let h: Harness;
  let transport: SwitchableTransport;
  before(async () => {
    transport = new SwitchableTransport();
    h = await startHarness({ sms: transport, mfaOptions: { phone: { allowedCountries: ['US', 'CA'] } } });
  });
  after(async () => h.stop());

  it('offers only the allowed countries and refuses numbers of others', async () => {
    const { agent: a } = await h.enrolledUser();
    const page = await a.get('/mfa/setup/phone').set('Accept-Language', 'en-GB');
    const options = [...page.text.matchAll(/<option value="([A-Z]{2})"( selected)?>/g)].map((o) => `${o[1]}${o[2] ? '*' : ''}`);
    assert.deepEqual(options, ['CA', 'US*'], 'GB (the browser region) is not allowed, so the US is preselected');
    const callsBefore = transport.calls;
    const jamaica = await postForm(a, '/mfa/setup/phone', { country: 'US', number: '+1 876 555 1234', action: 'next' });
    assert.equal(jamaica.status, 400);
    assert.match(jamaica.text, /Sign-in codes cannot be sent to numbers in Jamaica \(\+1\)/);
    const gb = await postForm(a, '/mfa/setup/phone', { country: 'GB', number: '07400 123456', action: 'next' });
    assert.equal(gb.status, 400);
    assert.match(gb.text, /Choose your country/);
    assert.equal(transport.calls, callsBefore);
  });
});

describe('a stored number outside a narrowed phone.allowedCountries', () => {
  it('gets no more codes: the send is refused before anything is counted or sent', async () => {
    const transport = new SwitchableTransport();
    const first = await startHarness({ sms: transport });
    const { agent } = await first.enrolledUser();
    await addPhone(agent, () => transport.latestCode(), US_NUMBER.typed, 'US');
    // The same users and store, after the host narrowed the list to Canada.
    const h = await startHarness({ sms: transport, store: first.store, dataDir: first.dataDir, mfaOptions: { phone: { allowedCountries: ['CA'] } } });
    try {
      h.clock.nowMs = first.clock.now() + 60_000;
      const callsBefore = transport.calls;
      const b = await h.halfSignedIn();
      const res = await postForm(b, '/mfa/verify/phone/send', { channel: 'sms' }, '/mfa/verify');
      assert.equal(res.status, 403);
      assert.match(res.text, /Sign-in codes cannot be sent to this number&#39;s country/);
      assert.equal(transport.calls, callsBefore);
    } finally {
      await h.stop();
      await first.stop();
    }
  });
});
