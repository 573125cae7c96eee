import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import type { AuthenticatorClient } from '../../src/authenticator/client.js';
import { startStubPushService } from '../support/stub-push-service.js';
import { startWebPushHarness } from '../support/web-push-harness.js';
import type { WebPushHarness } from '../support/web-push-harness.js';
import type { Agent } from '../support/harness.js';

describe('Web Push delivery of challenges (push.sender)', () => {
  let h: WebPushHarness;
  let alice: { phone: AuthenticatorClient; account: AuthenticatorAccount };
  before(async () => {
    h = await startWebPushHarness();
    alice = await h.enrolledPushUser();
  });
  after(async () => h.stop());
  // A fresh budget window for every sign-in.
  beforeEach(() => h.clock.advance(11 * 60_000));

  const stored = async () => h.store.pushSubscriptions.list(await h.userId());

  /** Answers the waiting challenge from the long-poll and completes the browser's sign-in. */
  async function approveAndSignIn(b: Agent): Promise<void> {
    const number = await h.shownNumber(b, '/mfa/verify/push');
    const [challenge] = await alice.phone.waitForChallenges(alice.account, 25);
    assert.ok(challenge, 'the long-poll delivers the challenge');
    assert.equal(await alice.phone.answer(alice.account, challenge.id, 'approve', { number }), 'approved');
    const done = await h.post(b, '/mfa/verify/push', { method: 'push' }, '/mfa/verify/push');
    assert.equal(done.status, 303);
    assert.match((await b.get('/')).text, /Signed in as alice/);
  }

  it('Contact me wakes the subscribed device with an encrypted "a request is waiting" and nothing more', async () => {
    const subscription = h.service.subscription();
    await alice.phone.registerPushSubscription(alice.account, subscription);
    const delivered = h.service.nextDelivery();
    const b = await h.contactMe();
    const { path, headers, body } = await delivered;
    assert.equal(path, new URL(subscription.endpoint).pathname);
    assert.equal(headers['content-encoding'], 'aes128gcm');
    const message = subscription.decrypt(body);
    // Attack: the push service (or anyone holding the subscription keys) learning the number, challenge id or context.
    assert.deepEqual(JSON.parse(message), { v: 1, type: 'challenge', deviceId: alice.account.deviceId });
    const [challenge] = await h.store.push.listOpenChallenges(await h.userId(), h.clock.now());
    for (const secret of [challenge!.id, challenge!.number, '127.0.0.1']) assert.equal(message.includes(secret), false, `payload leaks ${secret}`);
    await approveAndSignIn(b);
  });

  it('a 410 from the push service removes the expired subscription; the long-poll still delivers', async () => {
    await alice.phone.registerPushSubscription(alice.account, h.service.subscription());
    h.service.state.status = 410;
    try {
      const gone = h.nextEvent('push.webpush_failed');
      const b = await h.contactMe();
      assert.equal((await gone).reason, 'subscription_gone');
      assert.deepEqual(await stored(), []);
      await approveAndSignIn(b);
    } finally {
      h.service.state.status = 201;
    }
  });

  it('push service down: the sign-in completes through the long-poll and push.webpush_failed is emitted', async () => {
    const down = await startStubPushService();
    const subscription = down.subscription();
    await down.close();
    await alice.phone.registerPushSubscription(alice.account, subscription);
    const failed = h.nextEvent('push.webpush_failed');
    const b = await h.contactMe();
    const event = await failed;
    assert.deepEqual([event.reason, event.userId, event.factorId], ['send_failed', await h.userId(), alice.account.deviceId]);
    assert.equal((await stored()).length, 1, 'a failure that is not 404/410 keeps the subscription');
    await approveAndSignIn(b);
  });

});
