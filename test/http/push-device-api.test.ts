import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import type { AuthenticatorClient } from '../../src/authenticator/client.js';
import { InProcessWakeup } from '../../src/transports/wakeup.js';
import { answerBody, sendRaw } from '../support/device-signer.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';

const GENERIC = { v: 1, error: 'unauthorized', message: 'Request not accepted.' };
const CHALLENGES = '/mfa/device/challenges?wait=0';

describe('device API: every request is signed, fresh and single-use', () => {
  let h: PushHarness;
  let alice: { phone: AuthenticatorClient; account: AuthenticatorAccount };
  let mallory: { phone: AuthenticatorClient; account: AuthenticatorAccount };

  let subscribed: () => void = () => {};
  before(async () => {
    // Tells the long-poll test when a device is really waiting, so it proves the wake-up.
    const wakeup = new (class extends InProcessWakeup {
      override subscribe(topic: string, listener: (payload: string | undefined) => void): () => void {
        const unsubscribe = super.subscribe(topic, listener);
        if (topic.startsWith('user:')) subscribed();
        return unsubscribe;
      }
    })();
    h = await startPushHarness({ mfaOptions: { wakeup } });
    alice = await h.enrolledPushUser();
    mallory = await h.enrolledPushUser('mallory');
  });
  after(async () => h.stop());

  async function aliceChallenge(): Promise<{ number: string; challengeId: string }> {
    h.clock.advance(3 * 60_000);
    const b = await h.signInToVerify();
    await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
    const number = await h.shownNumber(b, '/mfa/verify/push');
    const [challenge] = await alice.phone.waitForChallenges(alice.account, 0);
    return { number, challengeId: challenge!.id };
  }

  it('accepts a correctly signed request', async () => {
    const res = await sendRaw(h.origin, alice.account, { method: 'GET', path: CHALLENGES, timestamp: h.clock.now() });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { v: 1, challenges: [] });
  });

  // Attack: forging a device request without the device's private key.
  it('refuses a request signed with another key', async () => {
    const res = await sendRaw(h.origin, alice.account, { method: 'GET', path: CHALLENGES, timestamp: h.clock.now(), key: mallory.account.privateKey });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, GENERIC);
  });

  // Attack: tampering with a signed request in transit.
  it('refuses a request whose body or path changed after signing', async () => {
    const { challengeId } = await aliceChallenge();
    const path = `/mfa/device/challenges/${challengeId}/answer`;
    const body = await answerBody(alice.account, { challengeId, decision: 'deny', number: null, timestamp: h.clock.now() });
    const fraud = await answerBody(alice.account, { challengeId, decision: 'fraud', number: null, timestamp: h.clock.now() });
    const tampered = await sendRaw(h.origin, alice.account, { method: 'POST', path, body, sendBody: fraud, timestamp: h.clock.now() });
    assert.deepEqual([tampered.status, tampered.body], [401, GENERIC]);
    const moved = await sendRaw(h.origin, alice.account, { method: 'GET', path: CHALLENGES, sendPath: '/mfa/device/challenges?wait=1', timestamp: h.clock.now() });
    assert.deepEqual([moved.status, moved.body], [401, GENERIC]);
  });

  // Attack: replaying a captured device request.
  it('refuses the exact same request twice (nonce already used)', async () => {
    const before = h.sent.length;
    await alice.phone.waitForChallenges(alice.account, 0);
    const captured = h.sent[before]!;
    const replay = await fetch(captured.url, captured.init);
    assert.equal(replay.status, 401);
    assert.deepEqual(await replay.json(), GENERIC);
  });

  // Attack: replaying an old request (or pre-signing future ones) with a fresh nonce.
  it('refuses timestamps more than 60 s away from the server clock', async () => {
    for (const skew of [-60_001, 60_001]) {
      const res = await sendRaw(h.origin, alice.account, { method: 'GET', path: CHALLENGES, timestamp: h.clock.now() + skew });
      assert.deepEqual([res.status, res.body], [401, GENERIC], `skew ${skew}`);
    }
    const edge = await sendRaw(h.origin, alice.account, { method: 'GET', path: CHALLENGES, timestamp: h.clock.now() - 60_000 });
    assert.equal(edge.status, 200, 'exactly 60 s is still accepted');
  });

  // Attack: probing which check failed, or using a device id that does not exist.
  it('answers unknown devices and malformed headers with the same generic error', async () => {
    const now = h.clock.now();
    const unknown = await sendRaw(h.origin, alice.account, { method: 'GET', path: CHALLENGES, timestamp: now, deviceId: 'A'.repeat(22) });
    const noDevice = await sendRaw(h.origin, alice.account, { method: 'GET', path: CHALLENGES, timestamp: now, deviceId: null });
    const shortNonce = await sendRaw(h.origin, alice.account, { method: 'GET', path: CHALLENGES, timestamp: now, nonce: 'abc' });
    const unsigned = await fetch(h.origin + CHALLENGES, { headers: { 'x-mfa-device': alice.account.deviceId, 'x-mfa-timestamp': String(now), 'x-mfa-nonce': 'N'.repeat(22) } });
    for (const res of [unknown, noDevice, shortNonce]) assert.deepEqual([res.status, res.body], [401, GENERIC]);
    assert.deepEqual([unsigned.status, await unsigned.json()], [401, GENERIC]);
  });

  it('wakes a waiting long-poll as soon as a challenge is created', { timeout: 10_000 }, async () => {
    h.clock.advance(3 * 60_000);
    const b = await h.signInToVerify();
    const isWaiting = new Promise<void>((resolve) => (subscribed = resolve));
    const waiting = alice.phone.waitForChallenges(alice.account, 25);
    await isWaiting;
    await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
    const challenges = await waiting;
    assert.equal(challenges.length, 1);
    assert.equal(challenges[0]!.issuer, 'Contoso');
    assert.deepEqual(await mallory.phone.waitForChallenges(mallory.account, 0), [], 'other users do not see it');
  });

  // Attack: answering another user's challenge with one's own (valid) device.
  it('refuses an answer from a foreign device; the owner can still answer', async () => {
    const { number, challengeId } = await aliceChallenge();
    await assert.rejects(mallory.phone.answer(mallory.account, challengeId, 'approve', { number }), { status: 410, code: 'challenge_unavailable' });
    await assert.rejects(mallory.phone.answer(mallory.account, challengeId, 'deny'), { status: 410, code: 'challenge_unavailable' });
    assert.equal(await alice.phone.answer(alice.account, challengeId, 'approve', { number }), 'approved');
  });

  // Attack: replaying a signed answer (in a new, validly signed envelope).
  it('accepts one answer per challenge: the same answer again is refused', async () => {
    const { number, challengeId } = await aliceChallenge();
    const body = await answerBody(alice.account, { challengeId, decision: 'approve', number, timestamp: h.clock.now() });
    const path = `/mfa/device/challenges/${challengeId}/answer`;
    const first = await sendRaw(h.origin, alice.account, { method: 'POST', path, body, timestamp: h.clock.now() });
    const again = await sendRaw(h.origin, alice.account, { method: 'POST', path, body, timestamp: h.clock.now() });
    assert.deepEqual([first.status, first.body], [200, { v: 1, status: 'approved' }]);
    assert.equal(again.status, 410);
    assert.equal(again.body.error, 'challenge_unavailable');
  });

  // Attack: changing the decision or number of a signed answer (the envelope re-signed by a relay).
  it('refuses an answer whose own signature does not cover what is sent', async () => {
    const { number, challengeId } = await aliceChallenge();
    const path = `/mfa/device/challenges/${challengeId}/answer`;
    const signed = await answerBody(alice.account, { challengeId, decision: 'deny', number: null, timestamp: h.clock.now() });
    const altered = { ...signed, answer: { ...signed.answer, decision: 'approve', number } };
    const res = await sendRaw(h.origin, alice.account, { method: 'POST', path, body: altered, timestamp: h.clock.now() });
    assert.deepEqual([res.status, res.body.error], [400, 'invalid_answer']);
    const stale = await answerBody(alice.account, { challengeId, decision: 'approve', number, timestamp: h.clock.now() - 61_000 });
    const old = await sendRaw(h.origin, alice.account, { method: 'POST', path, body: stale, timestamp: h.clock.now() });
    assert.deepEqual([old.status, old.body.error], [400, 'invalid_answer'], 'answer timestamp outside ±60 s');
    const other = await answerBody(alice.account, { challengeId: 'X'.repeat(22), decision: 'approve', number, timestamp: h.clock.now() });
    const moved = await sendRaw(h.origin, alice.account, { method: 'POST', path, body: other, timestamp: h.clock.now() });
    assert.deepEqual([moved.status, moved.body.error], [400, 'invalid_answer'], 'an answer for another challenge');
    assert.equal(await alice.phone.answer(alice.account, challengeId, 'approve', { number }), 'approved', 'still answerable');
  });

  // Attack: a lost phone keeps working after the user removed it from their security info.
  it('refuses a device whose factor was removed', async () => {
    const user = await h.users.verify('mallory', 'a long enough password');
    assert.equal(await h.mfa.admin.resetFactors(user!.id), 1);
    const res = await sendRaw(h.origin, mallory.account, { method: 'GET', path: CHALLENGES, timestamp: h.clock.now() });
    assert.deepEqual([res.status, res.body], [401, GENERIC]);
  });

  it('exactly one of many parallel answers wins', async () => {
    const { number, challengeId } = await aliceChallenge();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => alice.phone.answer(alice.account, challengeId, i % 2 ? 'approve' : 'deny', { number })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });
});
