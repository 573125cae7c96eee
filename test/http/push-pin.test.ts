import { nextSetupStep } from '../support/setup-wizard.js';
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import type { AuthenticatorClient } from '../../src/authenticator/client.js';
import type { Agent } from '../support/harness.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';

const PIN = '274951';

describe('push with push.requirePin', () => {
  let h: PushHarness;
  let phone: AuthenticatorClient;
  let account: AuthenticatorAccount;

  beforeEach(async () => {
    h = await startPushHarness({ mfaOptions: { push: { requirePin: true } } });
  });
  afterEach(async () => h.stop());

  /** Runs setup up to the PIN page and through it; returns the browser on the waiting page. */
  async function setUpWithPin() {
    const a = h.browser();
    await h.login(a);
    const { qrText } = await h.beginPushSetup(a);
    phone = h.phone();
    account = await phone.activate(qrText);
    const contact = await h.post(a, '/mfa/setup/push/contact', {}, '/mfa/setup/push');
    assert.equal(contact.headers.location, '/mfa/setup/push/pin', 'the PIN comes before the first notification');
    const page = await a.get('/mfa/setup/push/pin');
    assert.match(page.text, /<label for="mfa-pin">PIN<\/label>/);
    assert.match(page.text, /<label for="mfa-pin-confirm">Confirm PIN<\/label>/);
    assert.match(page.text, /6 digits/);
    for (const [pin, confirm, why] of [[PIN, '274950', /do not match/], ['1234', '1234', /exactly 6 digits/], ['111111', '111111', /too easy/], ['123456', '123456', /too easy/]] as const) {
      const res = await h.post(a, '/mfa/setup/push/pin', { pin, confirm }, '/mfa/setup/push/pin');
      assert.equal(res.status, 400);
      assert.match(res.text, why);
    }
    const ok = await h.post(a, '/mfa/setup/push/pin', { pin: PIN, confirm: PIN }, '/mfa/setup/push/pin');
    assert.equal(ok.headers.location, '/mfa/setup/push/wait');
    return a;
  }

  it('asks for a PIN during setup and then requires it (inside the signed answer) to approve', async () => {
    const a = await setUpWithPin();
    const number = await h.shownNumber(a, '/mfa/setup/push/wait');
    const [challenge] = await phone.waitForChallenges(account, 0);
    assert.equal(challenge!.pinRequired, true);
    assert.equal(await phone.answer(account, challenge!.id, 'approve', { number, pin: PIN }), 'approved');
    const done = await h.post(a, '/mfa/setup/push/wait', { method: 'push' }, '/mfa/setup/push/wait');
    assert.equal(done.headers.location, `/mfa${nextSetupStep('/setup/push')}`);
  });

  // Attack: guessing the PIN on a stolen, unlocked phone, several guesses per notification.
  it('fails the notification at the first wrong PIN, as a wrong number does, and counts it toward the lockout', async () => {
    const a = await setUpWithPin();
    const number = await h.shownNumber(a, '/mfa/setup/push/wait');
    const [challenge] = await phone.waitForChallenges(account, 0);
    await assert.rejects(phone.answer(account, challenge!.id, 'approve', { number }), { status: 403, code: 'pin_incorrect', attemptsLeft: 9 }, 'no PIN is a wrong PIN');
    await assert.rejects(phone.answer(account, challenge!.id, 'approve', { number, pin: PIN }), { status: 410, code: 'challenge_unavailable' }, 'no second guess on the same request');
    const failed = await h.post(a, '/mfa/setup/push/wait', { method: 'push' }, '/mfa/setup/push/wait');
    assert.equal(failed.status, 401);
    assert.match(failed.text, /wrong number or PIN was entered in the app/);
    assert.equal((await h.store.core.getLockout(await h.userId())).failures, 1);
    assert.ok(h.events.some((e) => e.type === 'second_factor.failed' && e.reason === 'pin_incorrect'));

    const again = await h.post(a, '/mfa/setup/push/contact', {}, '/mfa/setup/push/wait');
    assert.equal(again.headers.location, '/mfa/setup/push/wait', 'another notification is one click away');
    const retryNumber = await h.shownNumber(a, '/mfa/setup/push/wait');
    const [retry] = await phone.waitForChallenges(account, 0);
    assert.equal(await phone.answer(account, retry!.id, 'approve', { number: retryNumber, pin: PIN }), 'approved');
    const done = await h.post(a, '/mfa/setup/push/wait', { method: 'push' }, '/mfa/setup/push/wait');
    assert.equal(done.headers.location, `/mfa${nextSetupStep('/setup/push')}`);
  });

  // Attack: guessing the PIN on a stolen, unlocked phone, one notification after another.
  it('disables the device after 10 consecutive wrong PINs; a correct PIN resets the count', async () => {
    await h.stop();
    // Room for 20 notifications and failures: this test is about the device's own PIN count.
    h = await startPushHarness({ mfaOptions: { push: { requirePin: true, budget: { max: 20, windowMs: 600_000 } }, lockout: { threshold: 20 } } });
    const a = await setUpWithPin();
    for (let i = 0; i < 9; i++) {
      const { number, challengeId } = await shown(a, '/mfa/setup/push/wait');
      await assert.rejects(phone.answer(account, challengeId, 'approve', { number, pin: '000000' }), { code: 'pin_incorrect', attemptsLeft: 10 - i - 1 });
      await h.post(a, '/mfa/setup/push/contact', {}, '/mfa/setup/push/wait');
    }
    const setup = await shown(a, '/mfa/setup/push/wait');
    assert.equal(await phone.answer(account, setup.challengeId, 'approve', { number: setup.number, pin: PIN }), 'approved', 'the right PIN after 9 wrong ones');
    await h.post(a, '/mfa/setup/push/wait', { method: 'push' }, '/mfa/setup/push/wait');

    for (let left = 9; left >= 0; left--) {
      h.clock.advance(60_000);
      const b = await h.signInToVerify();
      await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
      const { number, challengeId } = await shown(b, '/mfa/verify/push');
      const expected = left > 0 ? { status: 403, code: 'pin_incorrect', attemptsLeft: left } : { status: 403, code: 'device_disabled' };
      await assert.rejects(phone.answer(account, challengeId, 'approve', { number, pin: '999999' }), expected);
    }
    assert.ok(h.events.some((e) => e.type === 'push.device_disabled'));
    await assert.rejects(phone.waitForChallenges(account, 0), { code: 'device_disabled' });
    h.clock.advance(60_000);
    const c = await h.signInToVerify();
    assert.doesNotMatch((await c.get('/mfa/verify')).text, />Contact me</, 'no notifications to a disabled device');
  });

  /** The number `browser` shows at `path` and the notification the phone has for it. */
  async function shown(browser: Agent, path: string): Promise<{ number: string; challengeId: string }> {
    const number = await h.shownNumber(browser, path);
    const [challenge] = await phone.waitForChallenges(account, 0);
    return { number, challengeId: challenge!.id };
  }
});
