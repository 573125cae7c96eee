import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { PhoneChange } from '../../src/options.js';
import { startHarness } from '../support/harness.js';
import type { Agent, Harness } from '../support/harness.js';
import { postForm } from '../support/mfa-flow.js';
import { addPhone, SwitchableTransport, UK_MOBILE, US_NUMBER } from '../support/phone.js';
import { nextSetupStep } from '../support/setup-wizard.js';

const AFTER_PHONE = `/mfa${nextSetupStep('/setup/phone')}`;

describe('backup phone setup step', () => {
  let h: Harness;
  let transport: SwitchableTransport;
  let changes: PhoneChange[];
  let a: Agent;

  before(async () => {
    transport = new SwitchableTransport();
    changes = [];
    h = await startHarness({ sms: transport, mfaOptions: { onPhoneChanged: (c) => void changes.push(c) } });
  });
  after(async () => h.stop());
  beforeEach(async () => {
    // Each test starts from a freshly enrolled alice with no phone.
    const userId = h.users.verify('alice', 'correct horse battery staple');
    await h.mfa.admin.resetFactors((await userId)!.id);
    transport.failing = false;
    changes.length = 0;
    h.clock.advance(3_600_000); // a new send-limit window
    ({ agent: a } = await h.enrolledUser());
  });

  const aliceFactors = async () => h.store.core.listFactors((await h.users.verify('alice', 'correct horse battery staple'))!.id);

  it('follows the mobile app step: Country (every country, sorted, default from Accept-Language), number, Next, Skip', async () => {
    const page = await a.get('/mfa/setup/phone').set('Accept-Language', 'en-GB,en;q=0.8');
    assert.equal(page.status, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.text, /<label for="mfa-country">Country<\/label>/);
    assert.match(page.text, /<label for="mfa-number">Mobile phone number<\/label>/);
    assert.match(page.text, />Next</);
    assert.match(page.text, />Skip</);
    const options = [...page.text.matchAll(/<option value="([A-Z]{2})"( selected)?>([^<]+)</g)];
    assert.ok(options.length >= 240);
    const labels = options.map((o) => o[3]!);
    assert.ok(labels.includes('United States (+1)'));
    assert.deepEqual(labels, [...labels].sort((x, y) => x.localeCompare(y, 'en')));
    assert.deepEqual(options.filter((o) => o[2]).map((o) => o[1]), ['GB']);
    const us = await a.get('/mfa/setup/phone');
    assert.match(us.text, /<option value="US" selected>United States \(\+1\)</, 'no Accept-Language region: US');
  });

  it('Skip goes on to the next step and stores nothing', async () => {
    const callsBefore = transport.calls;
    const res = await postForm(a, '/mfa/setup/phone', { action: 'skip', number: US_NUMBER.typed, country: 'US' });
    assert.equal(res.headers.location, AFTER_PHONE);
    assert.equal(transport.calls, callsBefore);
    assert.ok(!(await aliceFactors()).some((f) => f.type === 'phone'));
  });

  it('an invalid number gets a clear message (400), nothing is sent or stored', async () => {
    const callsBefore = transport.calls;
    const res = await postForm(a, '/mfa/setup/phone', { country: 'US', number: '555-0123', action: 'next' });
    assert.equal(res.status, 400);
    assert.match(res.text, /That is not a valid mobile phone number for United States \(\+1\)/);
    assert.match(res.text, /value="555-0123"/, 'the typed number is kept for correction');
    assert.equal(transport.calls, callsBefore);
    assert.ok(!(await aliceFactors()).some((f) => f.type === 'phone'));
  });

  // Attack: SMS toll fraud through the enrollment form (premium-rate destination).
  it('refuses a premium-rate number', async () => {
    const callsBefore = transport.calls;
    const res = await postForm(a, '/mfa/setup/phone', { country: 'GB', number: '09001 234567', action: 'next' });
    assert.equal(res.status, 400);
    assert.match(res.text, /cannot receive sign-in codes/);
    assert.equal(transport.calls, callsBefore);
  });

  it('stores the number in E.164 only after its code was entered, then continues the wizard', async () => {
    const sent = await postForm(a, '/mfa/setup/phone', { country: 'GB', number: UK_MOBILE.typed, channel: 'sms', action: 'next' });
    assert.equal(sent.headers.location, '/mfa/setup/phone/verify');
    assert.equal(transport.outbox.entries()[0]!.to, UK_MOBILE.e164);
    assert.ok(!(await aliceFactors()).some((f) => f.type === 'phone'), 'not stored before verification');

    const page = await a.get('/mfa/setup/phone/verify');
    assert.match(page.text, /Verification code/);
    assert.match(page.text, />Verify</);
    assert.ok(page.text.includes(UK_MOBILE.masked));

    const wrong = await postForm(a, '/mfa/setup/phone/verify', { code: '000000' === transport.latestCode() ? '111111' : '000000' });
    assert.equal(wrong.status, 401);
    const ok = await postForm(a, '/mfa/setup/phone/verify', { code: transport.latestCode() });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, AFTER_PHONE);
    const phones = (await aliceFactors()).filter((f) => f.type === 'phone');
    assert.equal(phones.length, 1);
    assert.deepEqual(phones[0]!.data, { e164: UK_MOBILE.e164 });
    assert.equal(changes.length, 1);
    assert.deepEqual({ ...changes[0], at: 0, ip: undefined }, { userId: phones[0]!.userId, action: 'added', phone: UK_MOBILE.e164, previousPhone: null, ip: undefined, at: 0 });
    assert.ok(h.events.some((e) => e.type === 'phone.added'));
  });

  it('can verify by a voice call', async () => {
    await postForm(a, '/mfa/setup/phone', { country: 'US', number: US_NUMBER.typed, channel: 'voice', action: 'next' });
    assert.equal(transport.outbox.entries()[0]!.kind, 'voice');
    const ok = await postForm(a, '/mfa/setup/phone/verify', { code: transport.latestCode() });
    assert.equal(ok.status, 303);
  });

  it('a transport failure answers 503 with a way back and another way on, and saves nothing', async () => {
    transport.failing = true;
    const res = await postForm(a, '/mfa/setup/phone', { country: 'US', number: US_NUMBER.typed, action: 'next' });
    assert.equal(res.status, 503);
    assert.match(res.text, /couldn&#39;t send a code to your phone/);
    assert.match(res.text, /href="\/mfa\/setup\/phone">Try again</);
    assert.ok(res.text.includes(`href="${AFTER_PHONE}">Skip this step<`));
    assert.ok(!(await aliceFactors()).some((f) => f.type === 'phone'));
    const verify = await a.get('/mfa/setup/phone/verify').redirects(0);
    assert.equal(verify.headers.location, '/mfa/setup/phone', 'no half-finished verification to continue');
  });

  it('Security info lists the phone masked, with Change and Delete; both are notified', async () => {
    await addPhone(a, () => transport.latestCode());
    const manage = await a.get('/mfa/manage');
    assert.match(manage.text, /Backup phone <span class="mfa-factor-name">\+1 ••• ••• 0123<\/span>/);
    assert.ok(!manage.text.includes(US_NUMBER.e164), 'the full number is not shown');
    assert.match(manage.text, /href="\/mfa\/setup\/phone\?then=manage">Change</);

    const changed = await postForm(a, '/mfa/setup/phone', { country: 'GB', number: UK_MOBILE.typed, then: 'manage', action: 'next' }, '/mfa/setup/phone?then=manage');
    assert.equal(changed.headers.location, '/mfa/setup/phone/verify');
    const back = await postForm(a, '/mfa/setup/phone/verify', { code: transport.latestCode() });
    assert.equal(back.headers.location, '/mfa/manage');
    const phones = (await aliceFactors()).filter((f) => f.type === 'phone');
    assert.deepEqual(phones.map((f) => f.data.e164), [UK_MOBILE.e164], 'the old number was replaced');
    assert.equal(changes.at(-1)!.action, 'changed');
    assert.equal(changes.at(-1)!.previousPhone, US_NUMBER.e164);

    const deleted = await postForm(a, `/mfa/manage/factors/${encodeURIComponent(phones[0]!.id)}/delete`, {}, '/mfa/manage');
    assert.equal(deleted.status, 303);
    assert.equal(changes.at(-1)!.action, 'removed');
    assert.ok(h.events.some((e) => e.type === 'phone.removed'));
  });

  // Attack: someone at an unlocked, signed-in browser (or with a stolen session) swaps the
  // backup number for their own, to receive the next sign-in codes.
  it('changing the number needs a fresh second factor', async () => {
    const callsBefore = transport.calls;
    h.clock.advance(16 * 60_000);
    const page = await a.get('/mfa/setup/phone').redirects(0);
    assert.equal(page.status, 303);
    assert.equal(page.headers.location, '/mfa/verify');
    const post = await a.post('/mfa/setup/phone').type('form')
      .send({ _csrf: await h.csrf(a, '/'), country: 'US', number: US_NUMBER.typed, action: 'next' }).redirects(0);
    assert.equal(post.headers.location, '/mfa/verify');
    assert.equal(transport.calls, callsBefore, 'no code was sent');
  });

  // Attack: guessing the enrollment code.
  it('wrong enrollment codes count toward the lockout', async () => {
    await postForm(a, '/mfa/setup/phone', { country: 'US', number: US_NUMBER.typed, action: 'next' });
    const code = transport.latestCode();
    const wrong = code === '123456' ? '654321' : '123456';
    for (let i = 0; i < 4; i++) assert.equal((await postForm(a, '/mfa/setup/phone/verify', { code: wrong })).status, 401);
    const locked = await postForm(a, '/mfa/setup/phone/verify', { code: wrong });
    assert.equal(locked.status, 429);
    const refused = await postForm(a, '/mfa/setup/phone/verify', { code });
    assert.equal(refused.status, 429, 'a locked user is refused even with the right code');
    h.clock.advance(15 * 60_000);
    await h.mfa.admin.unlock((await h.users.verify('alice', 'correct horse battery staple'))!.id);
  });

  it('a wrong enrollment code is reported like a wrong sign-in code (second_factor.failed, method phone)', async () => {
    await postForm(a, '/mfa/setup/phone', { country: 'US', number: US_NUMBER.typed, action: 'next' });
    const wrong = transport.latestCode() === '123456' ? '654321' : '123456';
    h.events.length = 0;
    assert.equal((await postForm(a, '/mfa/setup/phone/verify', { code: wrong })).status, 401);
    assert.deepEqual(h.events.filter((e) => e.type === 'second_factor.failed').map((e) => [e.reason, (e as { method?: string }).method]), [['invalid_code', 'phone']]);
    assert.equal((await postForm(a, '/mfa/setup/phone/verify', { code: transport.latestCode() })).status, 303);
    assert.ok(h.events.some((e) => e.type === 'factor.enrolled' && (e as { method?: string }).method === 'phone'));
  });
});
