import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthenticatorAccount } from '../../../src/authenticator/account-store.js';
import { sendRaw } from '../../support/device-signer.js';
import { startWebPushHarness } from '../../support/web-push-harness.js';
import type { WebPushHarness } from '../../support/web-push-harness.js';

const PATH = '/mfa/device/push-subscription';

describe('Web Push: endpoints outside the sender’s allowedHosts', () => {
  let h: WebPushHarness;
  let alice: AuthenticatorAccount;
  before(async () => {
    h = await startWebPushHarness();
    alice = (await h.enrolledPushUser()).account;
  });
  after(async () => h.stop());

  it('refuses them at registration with 400 and stores nothing', async () => {
    const { keys } = h.service.subscription();
    // Attack: SSRF — an activated device (or a thief of its key) aiming the server's POSTs at internal hosts.
    for (const endpoint of [
      'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'https://localhost/admin',
      'https://internal.example/push',
      'https://[::1]/push',
      'https://127.0.0.1.internal.example/push',
      'https://fcm.googleapis.com.internal.example/push',
    ]) {
      const res = await sendRaw(h.origin, alice, { method: 'PUT', path: PATH, body: { endpoint, keys }, timestamp: h.clock.now() });
      assert.deepEqual([res.status, res.body.error], [400, 'invalid_request'], endpoint);
      assert.match(String(res.body.message), /endpoint host is not an allowed push service \(WebPushSender allowedHosts\)/, endpoint);
    }
    assert.deepEqual(await h.store.pushSubscriptions.list(await h.userId()), []);
  });
});

describe('Web Push: a stored subscription whose host is no longer allowed', () => {
  let h: WebPushHarness;
  before(async () => {
    // The stub's host (127.0.0.1) was allowed when the subscription was stored, and is not any more.
    h = await startWebPushHarness({ allowedHosts: ['push.example.net'] });
  });
  after(async () => h.stop());

  it('is not sent to: push.webpush_failed with reason endpoint_not_allowed, and the sign-in still works', async () => {
    const { phone, account } = await h.enrolledPushUser();
    const { endpoint, keys } = h.service.subscription();
    // Attack: SSRF through a subscription registered before the allow-list was narrowed.
    await h.store.pushSubscriptions.put({ deviceId: account.deviceId, userId: await h.userId(), endpoint, p256dh: keys.p256dh, auth: keys.auth, createdAt: h.clock.now() });
    const failed = h.nextEvent('push.webpush_failed');
    const b = await h.contactMe();
    const event = await failed;
    assert.deepEqual([event.reason, event.factorId], ['endpoint_not_allowed', account.deviceId]);
    assert.equal(h.service.deliveries.length, 0, 'no request reached the endpoint');
    const number = await h.shownNumber(b, '/mfa/verify/push');
    const [challenge] = await phone.waitForChallenges(account, 25);
    assert.equal(await phone.answer(account, challenge!.id, 'approve', { number }), 'approved', 'the long-poll still delivers');
  });
});
