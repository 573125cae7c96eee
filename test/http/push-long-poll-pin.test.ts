import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userTopic } from '../../src/push/wakeup.js';
import { InProcessWakeup } from '../../src/transports/wakeup.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';

/** A wake-up transport that tells the test when someone starts waiting on a topic. */
class ObservedWakeup extends InProcessWakeup {
  readonly #waiters = new Map<string, () => void>();

  subscribed(topic: string): Promise<void> {
    return new Promise((resolve) => this.#waiters.set(topic, resolve));
  }

  override subscribe(topic: string, listener: (payload: string | undefined) => void): () => void {
    const unsubscribe = super.subscribe(topic, listener);
    this.#waiters.get(topic)?.();
    return unsubscribe;
  }
}

describe('a device long-poll that started before the PIN was chosen', () => {
  const wakeup = new ObservedWakeup();
  let h: PushHarness;
  before(async () => {
    h = await startPushHarness({ mfaOptions: { push: { requirePin: true }, wakeup } });
  });
  after(async () => h.stop());

  it('delivers the first notification with pinRequired, so the app asks for the PIN', async () => {
    const a = h.browser();
    await h.login(a);
    const { qrText } = await h.beginPushSetup(a);
    const phone = h.phone();
    const account = await phone.activate(qrText, 'Test phone');

    // The app waits for requests right after activation, while the user is still choosing a PIN.
    const waiting = wakeup.subscribed(userTopic(await h.userId()));
    const poll = phone.waitForChallenges(account, 25);
    await waiting;
    const contact = await h.post(a, '/mfa/setup/push/contact', {}, '/mfa/setup/push');
    assert.equal(contact.headers.location, '/mfa/setup/push/pin');
    const pin = await h.post(a, '/mfa/setup/push/pin', { pin: '275194', confirm: '275194' }, '/mfa/setup/push/pin');
    assert.equal(pin.headers.location, '/mfa/setup/push/wait');

    const [challenge] = await poll;
    assert.ok(challenge, 'the waiting poll was woken by the first notification');
    assert.equal(challenge.pinRequired, true);
  });
});
