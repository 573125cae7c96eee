import { nextSetupStep } from '../support/setup-wizard.js';
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import type { AuthenticatorClient } from '../../src/authenticator/client.js';
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
    await assert.rejects(phone.answer(account, challenge!.id, 'approve', { number }), { status: 403, code: 'pin_incorrect', attemptsLeft: 9 });
    assert.equal(await phone.answer(account, challenge!.id, 'approve', { number, pin: PIN }), 'approved');
    const done = await h.post(a, '/mfa/setup/push/wait', { method: 'push' }, '/mfa/setup/push/wait');
    assert.equal(done.headers.location, `/mfa${nextSetupStep('/setup/push')}`);
  });

  // Attack: guessing the PIN on a stolen, unlocked phone.
  it('disables the device after 10 consecutive wrong PINs; a correct PIN resets the count', async () => {
    const a = await setUpWithPin();
    const number = await h.shownNumber(a, '/mfa/setup/push/wait');
    const [setupChallenge] = await phone.waitForChallenges(account, 0);
    for (let i = 0; i < 9; i++) await assert.rejects(phone.answer(account, setupChallenge!.id, 'approve', { number, pin: '000000' }), { code: 'pin_incorrect' });
    assert.equal(await phone.answer(account, setupChallenge!.id, 'approve', { number, pin: PIN }), 'approved');
    await h.post(a, '/mfa/setup/push/wait', { method: 'push' }, '/mfa/setup/push/wait');

    h.clock.advance(60_000);
    const b = await h.signInToVerify();
    await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
    const signInNumber = await h.shownNumber(b, '/mfa/verify/push');
    const [challenge] = await phone.waitForChallenges(account, 0);
    for (let left = 9; left >= 1; left--) {
      await assert.rejects(phone.answer(account, challenge!.id, 'approve', { number: signInNumber, pin: '999999' }), { code: 'pin_incorrect', attemptsLeft: left });
    }
    await assert.rejects(phone.answer(account, challenge!.id, 'approve', { number: signInNumber, pin: '999999' }), { status: 403, code: 'device_disabled' });
    await assert.rejects(phone.answer(account, challenge!.id, 'approve', { number: signInNumber, pin: PIN }), { code: 'device_disabled' }, 'even the right PIN');
    await assert.rejects(phone.waitForChallenges(account, 0), { code: 'device_disabled' });
    assert.ok(h.events.some((e) => e.type === 'push.device_disabled'));
    h.clock.advance(60_000);
    const c = await h.signInToVerify();
    assert.doesNotMatch((await c.get('/mfa/verify')).text, />Contact me</, 'no notifications to a disabled device');
  });
});
