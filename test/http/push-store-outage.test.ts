import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import type { AuthenticatorClient } from '../../src/authenticator/client.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { sendRaw } from '../support/device-signer.js';
import { FailingStore } from '../support/failing-store.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';
import type { Agent } from '../support/harness.js';

// Attack: making the store fail (overload it, cut its network) so that a device answer, a
// notification or a push sign-in is let through without being checked or counted.
describe('push during a store outage', () => {
  let h: PushHarness;
  let failing: FailingStore;
  let phone: AuthenticatorClient;
  let account: AuthenticatorAccount;

  beforeEach(async () => {
    failing = new FailingStore(new MemoryStore({ warn: () => {} }));
    h = await startPushHarness({ store: failing.store });
    ({ phone, account } = await h.enrolledPushUser());
    h.clock.advance(60_000);
  });
  afterEach(async () => h.stop());

  async function contactMe(): Promise<{ b: Agent; number: string; challengeId: string }> {
    const b = await h.signInToVerify();
    await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
    const number = await h.shownNumber(b, '/mfa/verify/push');
    const [challenge] = await phone.waitForChallenges(account, 0);
    return { b, number, challengeId: challenge!.id };
  }

  it('device requests answer 503 with Retry-After when nonces cannot be checked', async () => {
    failing.fail('push.consumeNonce');
    await assert.rejects(phone.waitForChallenges(account, 0), { status: 503, code: 'store_unavailable' });
    const raw = await sendRaw(h.origin, account, { method: 'GET', path: '/mfa/device/challenges?wait=0', timestamp: h.clock.now() });
    assert.deepEqual([raw.status, raw.retryAfter], [503, '30']);
    failing.recover();
    assert.deepEqual(await phone.waitForChallenges(account, 0), []);
  });

  it('an answer that cannot be recorded is not taken: the challenge stays open', async () => {
    const { b, number, challengeId } = await contactMe();
    failing.fail('push.resolveChallenge');
    await assert.rejects(phone.answer(account, challengeId, 'approve', { number }), { status: 503 });
    failing.recover();
    assert.equal((await h.post(b, '/mfa/verify/push', { method: 'push' }, '/mfa/verify/push')).status, 409, 'still pending');
    assert.equal(await phone.answer(account, challengeId, 'approve', { number }), 'approved');
  });

  it('an approval that cannot be consumed does not sign in', async () => {
    const { b, number, challengeId } = await contactMe();
    await phone.answer(account, challengeId, 'approve', { number });
    failing.fail('push.consumeChallenge');
    const res = await h.post(b, '/mfa/verify/push', { method: 'push' }, '/mfa/verify/push');
    assert.equal(res.status, 503);
    assert.equal((await b.get('/').redirects(0)).status, 303, 'not signed in');
  });

  it('no notification is sent when the budget cannot be counted', async () => {
    const b = await h.signInToVerify();
    const token = await h.csrf(b, '/mfa/verify');
    failing.fail('rateLimits.hit');
    const res = await b.post('/mfa/verify/push/send').type('form').send({ _csrf: token }).redirects(0);
    assert.equal(res.status, 503);
    failing.recover();
    assert.deepEqual(await phone.waitForChallenges(account, 0), []);
  });
});
