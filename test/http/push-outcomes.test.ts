import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import type { AuthenticatorClient } from '../../src/authenticator/client.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';
import type { Agent } from '../support/harness.js';

describe('push sign-in outcomes: deny, expiry, number mismatch, no-JS fallback', () => {
  let h: PushHarness;
  let phone: AuthenticatorClient;
  let account: AuthenticatorAccount;

  beforeEach(async () => {
    h = await startPushHarness();
    ({ phone, account } = await h.enrolledPushUser());
    h.clock.advance(60_000);
  });
  afterEach(async () => h.stop());

  async function contactMe(): Promise<{ b: Agent; number: string; challengeId: string }> {
    const b = await h.signInToVerify();
    const sent = await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
    assert.equal(sent.headers.location, '/mfa/verify/push');
    const number = await h.shownNumber(b, '/mfa/verify/push');
    const [challenge] = await phone.waitForChallenges(account, 0);
    return { b, number, challengeId: challenge!.id };
  }

  const complete = (b: Agent) => h.post(b, '/mfa/verify/push', { method: 'push' }, '/mfa/verify/push');

  it('"I approved it" before approving says so and keeps waiting; after approving it signs in', async () => {
    const { b, number, challengeId } = await contactMe();
    const early = await complete(b);
    assert.equal(early.status, 409);
    assert.match(early.text, /role="status"><strong>Not approved yet\.<\/strong>/);
    assert.match(early.text, /aria-label="Number to enter"/, 'still waiting: the number stays on the page');
    await phone.answer(account, challengeId, 'approve', { number });
    const done = await complete(b);
    assert.equal(done.headers.location, '/');
  });

  it('a denied request shows a clear message and offers another notification or a code', async () => {
    const { b, challengeId } = await contactMe();
    assert.equal(await phone.answer(account, challengeId, 'deny'), 'denied');
    const res = await complete(b);
    assert.equal(res.status, 401);
    assert.match(res.text, /denied in the app/);
    assert.match(res.text, />Send another notification</);
    assert.match(res.text, /href="\/mfa\/verify\?use=totp"[^>]*>Use a verification code instead</);
    assert.equal((await b.get('/').redirects(0)).status, 303, 'still not signed in');
  });

  it('an expired request cannot be approved and tells the browser it expired', async () => {
    const { b, number, challengeId } = await contactMe();
    h.clock.advance(120_000);
    await assert.rejects(phone.answer(account, challengeId, 'approve', { number }), { code: 'challenge_unavailable', status: 410 });
    const res = await complete(b);
    assert.match(res.text, /expired before it was approved/);
    assert.match(res.text, />Send another notification</);
  });

  // Attack: approving a push-bombing request without looking at the browser (number matching).
  it('a wrong number fails the request (no retry), counts a failure, and the browser cannot complete', async () => {
    const { b, number, challengeId } = await contactMe();
    const wrong = number === '42' ? '43' : '42';
    await assert.rejects(phone.answer(account, challengeId, 'approve', { number: wrong }), { code: 'number_mismatch', status: 409 });
    await assert.rejects(phone.answer(account, challengeId, 'approve', { number }), { code: 'challenge_unavailable' }, 'no second try');
    const res = await complete(b);
    assert.match(res.text, /wrong number or PIN was entered in the app/);
    assert.ok(h.events.some((e) => e.type === 'second_factor.failed' && e.reason === 'number_mismatch'));
    assert.equal((await b.get('/').redirects(0)).status, 303);
  });

  // Attack: brute-forcing number matching by approving with guessed numbers.
  it('wrong numbers count toward the account lockout like wrong codes', async () => {
    h.clock.advance(10 * 60_000); // a fresh notification budget (setup used one)
    for (let i = 0; i < 5; i++) {
      const { number, challengeId } = await contactMe();
      await assert.rejects(phone.answer(account, challengeId, 'approve', { number: number === '42' ? '43' : '42' }), { code: 'number_mismatch' });
    }
    const b = await h.signInToVerify();
    const [first] = await phone.codes();
    const locked = await h.submitCode(b, '/mfa/verify', first!.code);
    assert.equal(locked.status, 429, 'locked after 5 failures: even a correct code is refused');
    const send = await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
    assert.equal(send.status, 429, 'and no more notifications while locked');
    assert.match(send.text, /Too many failed attempts/);
  });

  // Attack: another session (e.g. an attacker who knows the password) using the victim's approval.
  it('an approval completes only the session that sent the notification', async () => {
    const { b, number, challengeId } = await contactMe();
    const attacker = await h.signInToVerify();
    await phone.answer(account, challengeId, 'approve', { number });
    const stolen = await h.post(attacker, '/mfa/verify/push', { method: 'push' }, '/mfa/verify');
    assert.notEqual(stolen.status, 303);
    assert.equal((await attacker.get('/').redirects(0)).status, 303, 'the attacker is still not signed in');
    assert.equal((await complete(b)).headers.location, '/');
  });

  it('the SSE stream reports a denial, and answers 204 when nothing is waiting', { timeout: 10_000 }, async () => {
    const idle = await h.signInToVerify();
    assert.equal((await h.openEvents(idle)).status, 204);
    const { b, challengeId } = await contactMe();
    const events = await h.openEvents(b);
    await phone.answer(account, challengeId, 'deny');
    assert.match(await events.text, /data: \{"status":"denied"\}/);
  });
});
