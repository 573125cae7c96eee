import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Wakeup } from '../../src/transports/wakeup.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';

/**
 * Wake-ups that never arrive, as when another instance without a shared transport handled the
 * answer, or the shared channel lost the message: only the waiters' own re-reads can find it.
 */
class DeafWakeup implements Wakeup {
  constructor(readonly connected: boolean) {}
  publish(): void {}
  subscribe(): () => void {
    return () => {};
  }
}

describe('waiters re-read the store when no wake-up comes', () => {
  let h: PushHarness;
  afterEach(async () => h.stop());

  async function start(connected: boolean, pollIntervalMs: number) {
    h = await startPushHarness({ mfaOptions: { wakeup: new DeafWakeup(connected), push: { pollIntervalMs } } });
    const { phone, account } = await h.enrolledPushUser();
    h.clock.advance(60_000);
    const b = await h.signInToVerify();
    return { b, phone, account };
  }

  async function contactMe(s: Awaited<ReturnType<typeof start>>) {
    await h.post(s.b, '/mfa/verify/push/send', {}, '/mfa/verify');
    const number = await h.shownNumber(s.b, '/mfa/verify/push');
    const [challenge] = await s.phone.waitForChallenges(s.account, 0);
    return { number, challengeId: challenge!.id };
  }

  it('the capability stream delivers an answer within push.pollIntervalMs', { timeout: 10_000 }, async () => {
    const s = await start(true, 500);
    const { number, challengeId } = await contactMe(s);
    const events = await h.openStream(await h.streamPath(s.b));
    await s.phone.answer(s.account, challengeId, 'approve', { number });
    assert.match(await events.text, /data: \{"status":"approved"\}/);
  });

  it('the session stream delivers an answer within push.pollIntervalMs', { timeout: 10_000 }, async () => {
    const s = await start(true, 500);
    const { challengeId } = await contactMe(s);
    const events = await h.openEvents(s.b);
    await s.phone.answer(s.account, challengeId, 'deny');
    assert.match(await events.text, /data: \{"status":"denied"\}/);
  });

  it("a device's long-poll finds a new challenge within push.pollIntervalMs", { timeout: 10_000 }, async () => {
    const s = await start(true, 500);
    const waiting = s.phone.waitForChallenges(s.account, 25);
    await h.post(s.b, '/mfa/verify/push/send', {}, '/mfa/verify');
    const found = await waiting;
    assert.equal(found.length, 1);
  });

  it('while the shared transport is disconnected they re-read every second, whatever pollIntervalMs says', { timeout: 10_000 }, async () => {
    // 25 s between re-reads would outlast the test's timeout: only the 1 s fallback can pass it.
    const s = await start(false, 25_000);
    const { number, challengeId } = await contactMe(s);
    const events = await h.openStream(await h.streamPath(s.b));
    await s.phone.answer(s.account, challengeId, 'approve', { number });
    assert.match(await events.text, /"approved"/);
    h.clock.advance(3 * 60_000);
    const b = await h.signInToVerify();
    const waiting = s.phone.waitForChallenges(s.account, 25);
    await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
    assert.equal((await waiting).length, 1, 'and so does the long-poll');
  });
});
