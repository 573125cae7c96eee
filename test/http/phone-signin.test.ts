import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEMO_USER } from '../../example-app/app.js';
import type { MfaOptions } from '../../src/options.js';
import { startHarness } from '../support/harness.js';
import type { Agent, Harness } from '../support/harness.js';
import { postForm } from '../support/mfa-flow.js';
import { addPhone, SwitchableTransport, US_NUMBER } from '../support/phone.js';

/** Alice with the mobile app and a backup phone, on a harness whose transport can fail. */
async function phoneHarness(mfaOptions: Partial<MfaOptions> = {}) {
  const transport = new SwitchableTransport();
  const h = await startHarness({ sms: transport, mfaOptions });
  const { agent } = await h.enrolledUser();
  await addPhone(agent, () => transport.latestCode());
  const aliceId = (await h.users.verify(DEMO_USER.username, DEMO_USER.password))!.id;
  /** A new browser that passed the password and waits at /mfa/verify. */
  const atVerify = async (): Promise<Agent> => {
    const b = h.agent();
    await h.login(b);
    await b.get('/').redirects(0);
    return b;
  };
  const sendCode = (b: Agent, channel: 'sms' | 'voice' = 'sms') => postForm(b, '/mfa/verify/phone/send', { channel }, '/mfa/verify');
  const submit = (b: Agent, code: string) => postForm(b, '/mfa/verify/phone', { code });
  const wrongCode = () => (transport.latestCode() === '123456' ? '654321' : '123456');
  return { h, transport, aliceId, atVerify, sendCode, submit, wrongCode };
}

describe('sign-in with a code sent to the backup phone', () => {
  let p: Awaited<ReturnType<typeof phoneHarness>>;
  before(async () => {
    p = await phoneHarness();
  });
  after(async () => p.h.stop());
  beforeEach(async () => {
    p.transport.failing = false;
    p.h.clock.advance(3_600_000); // a new send-limit window; earlier locks are over
    await p.h.mfa.admin.unlock(p.aliceId);
  });

  it('offers Text me and Call me beside the app, which stays the default, and says why the phone is weaker', async () => {
    const b = await p.atVerify();
    const page = await b.get('/mfa/verify');
    const appForm = page.text.indexOf('action="/mfa/verify"');
    const phoneForm = page.text.indexOf('action="/mfa/verify/phone/send"');
    assert.ok(appForm >= 0 && phoneForm > appForm, 'the app code form comes first');
    assert.match(page.text, /<input id="mfa-code"[^>]*autofocus/);
    assert.match(page.text, />Text me</);
    assert.match(page.text, />Call me</);
    assert.ok(page.text.includes(US_NUMBER.masked));
    // Said where the phone is the main action (its default, or picked with ?use=phone).
    const picked = (await b.get('/mfa/verify?use=phone')).text;
    assert.match(picked, /SIM swap/);
    assert.match(picked, /intercepts the message/);
  });

  it('a texted code completes the second step through the mfa strategy', async () => {
    const b = await p.atVerify();
    const sent = await p.sendCode(b);
    assert.equal(sent.headers.location, '/mfa/verify/phone');
    const page = await b.get('/mfa/verify/phone');
    assert.match(page.text, /Verification code/);
    assert.ok(page.text.includes(`We texted a code to ${US_NUMBER.masked}`));
    const ok = await p.submit(b, p.transport.latestCode());
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, '/');
    assert.match((await b.get('/')).text, /Signed in as alice/);
    assert.ok(p.h.events.some((e) => e.type === 'second_factor.succeeded' && (e as { method?: string }).method === 'phone'));
  });

  it('a call reads the code digit by digit', async () => {
    const b = await p.atVerify();
    await p.sendCode(b, 'voice');
    const call = p.transport.outbox.entries()[0]!;
    assert.equal(call.kind, 'voice');
    assert.match(call.body, /code is: [0-9](, [0-9]){5}\./);
    assert.equal((await p.submit(b, p.transport.latestCode())).status, 303);
  });

  // Attack: replaying a code seen on the victim's lock screen after they used it.
  it('refuses a reused code', async () => {
    const b = await p.atVerify();
    await p.sendCode(b);
    const code = p.transport.latestCode();
    assert.equal((await p.submit(b, code)).status, 303);
    const c = await p.atVerify();
    const replay = await p.submit(c, code);
    assert.equal(replay.status, 401);
    assert.match(replay.text, /not valid or has expired/);
  });

  // Attack: a POST with no body at all (CSRF token in the header) to crash the code check into a 500.
  it('answers a code submission without a body as a bad code, not a server error', async () => {
    const b = await p.atVerify();
    await p.sendCode(b);
    const empty = await b.post('/mfa/verify/phone').set('x-csrf-token', await p.h.csrf(b, '/mfa/verify/phone')).redirects(0);
    assert.equal(empty.status, 400);
    assert.equal((await p.submit(b, p.transport.latestCode())).status, 303, 'the code sent still works');
  });

  // Attack: using a code after its lifetime (e.g. read later from a lost phone).
  it('refuses an expired code', async () => {
    const b = await p.atVerify();
    await p.sendCode(b);
    p.h.clock.advance(5 * 60_000);
    assert.equal((await p.submit(b, p.transport.latestCode())).status, 401);
  });

  // Attack: resending to reset the attempt counter and guess further.
  it('a resend invalidates the previous code and keeps the failure count', async () => {
    const b = await p.atVerify();
    await p.sendCode(b);
    const first = p.transport.latestCode();
    assert.equal((await p.submit(b, p.wrongCode())).status, 401);
    assert.equal((await p.submit(b, p.wrongCode())).status, 401);
    let second: string;
    do {
      await p.sendCode(b);
      second = p.transport.latestCode();
    } while (second === first); // one chance in a million
    assert.equal((await p.h.store.core.getLockout(p.aliceId)).failures, 2, 'the resend did not reset the count');
    assert.equal((await p.submit(b, first)).status, 401, 'the old code is dead');
    assert.equal((await p.h.store.core.getLockout(p.aliceId)).failures, 3);
    assert.equal((await p.submit(b, second)).status, 303);
  });

  // Attack: brute-forcing the short phone code.
  it('every wrong code counts; a locked user is refused even with the right code and gets no new code', async () => {
    const b = await p.atVerify();
    await p.sendCode(b);
    const code = p.transport.latestCode();
    for (let i = 0; i < 4; i++) assert.equal((await p.submit(b, p.wrongCode())).status, 401);
    assert.equal((await p.submit(b, 'abc')).status, 429, 'the malformed fifth attempt counts and locks');
    const refused = await p.submit(b, code);
    assert.equal(refused.status, 429);
    assert.ok(refused.headers['retry-after']);
    const calls = p.transport.calls;
    assert.equal((await p.sendCode(b)).status, 429);
    assert.equal(p.transport.calls, calls, 'no message sent to a locked account');
  });

  it('a transport failure answers 503 with a link back and another method; the previous code stays valid', async () => {
    const b = await p.atVerify();
    await p.sendCode(b);
    const code = p.transport.latestCode();
    p.transport.failing = true;
    const failed = await p.sendCode(b);
    assert.equal(failed.status, 503);
    assert.match(failed.text, /couldn&#39;t send a code to your phone/);
    assert.match(failed.text, /href="\/mfa\/verify">Try again</);
    assert.match(failed.text, /Use your mobile app instead/);
    assert.equal((await p.submit(b, code)).status, 303, 'nothing was replaced by the failed send');
  });

  // Attack: session fixation/CSRF-style misuse: sending codes or verifying without a first factor.
  it('needs the first factor: an anonymous visitor is sent to sign in', async () => {
    const anon = p.h.agent();
    const token = await p.h.csrf(anon, '/login');
    const res = await anon.post('/mfa/verify/phone/send').type('form').send({ _csrf: token, channel: 'sms' }).redirects(0);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/login');
  });
});

describe('phone send limits over HTTP', () => {
  // Attack: SMS toll fraud / SMS bombing by pressing "Text me" over and over.
  it('refuses the sixth code per user per hour with 429 and says so', async () => {
    const p = await phoneHarness();
    try {
      p.h.clock.advance(3_600_000);
      const b = await p.atVerify();
      for (let i = 0; i < 5; i++) assert.equal((await p.sendCode(b)).status, 303, `send ${i + 1}`);
      const sixth = await p.sendCode(b);
      assert.equal(sixth.status, 429);
      assert.match(sixth.text, /Too many codes were sent in the last hour/);
      assert.ok(p.h.events.some((e) => e.type === 'phone.send_failed' && e.reason === 'limit_user'));
    } finally {
      await p.h.stop();
    }
  });

  // Attack: SMS toll fraud from one client cycling through accounts.
  it('refuses codes beyond the per-IP limit', async () => {
    const p = await phoneHarness({ phone: { sendsPerIpPerHour: 2, sendsPerUserPerHour: 10 } });
    try {
      p.h.clock.advance(3_600_000);
      const b = await p.atVerify();
      assert.equal((await p.sendCode(b)).status, 303);
      assert.equal((await p.sendCode(b)).status, 303);
      assert.equal((await p.sendCode(b)).status, 429);
      assert.ok(p.h.events.some((e) => e.type === 'phone.send_failed' && e.reason === 'limit_ip'));
    } finally {
      await p.h.stop();
    }
  });
});
