import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { AuthenticatorError } from '../../../src/authenticator/client.js';
import { MemoryStore } from '../../../src/stores/memory/memory-store.js';
import type { MfaStore } from '../../../src/stores/mfa-store.js';
import { startPushHarness } from '../../support/push.js';
import type { PushHarness } from '../../support/push.js';
import type { Agent } from '../../support/harness.js';
import { aroundStoreMethods } from '../../support/facet-proxy.js';
import { storeWith } from '../../support/store-with.js';

const PIN = '274951';
const MAX_PIN_FAILURES = 10;
const BURST = 40;

/** The default SqliteStore of the harness, and the MemoryStore. */
const STORES: Record<string, () => MfaStore | undefined> = {
  SqliteStore: () => undefined,
  MemoryStore: () => new MemoryStore({ warn: () => {} }),
};

for (const [storeName, makeStore] of Object.entries(STORES)) {
  describe(`push PIN limit and disabled devices under concurrency (${storeName})`, () => {
    let h: PushHarness;
    afterEach(async () => h.stop());

    /** Alice with a PIN-protected device, and a second browser (the attacker's) waiting on a sign-in notification. */
    async function signInWaiting(wrap?: (store: MfaStore) => MfaStore) {
      const store = makeStore();
      h = await startPushHarness({ mfaOptions: { push: { requirePin: true, maxPinFailures: MAX_PIN_FAILURES } }, ...(store ? { store } : {}) }, wrap ? { wrapStore: wrap } : {});
      const { phone, account } = await h.enrolledPushUser(undefined, h.phone(), PIN);
      h.clock.advance(60_000);
      const browser = await h.signInToVerify();
      await h.post(browser, '/mfa/verify/push/send', {}, '/mfa/verify');
      const number = await h.shownNumber(browser, '/mfa/verify/push');
      const [challenge] = await phone.waitForChallenges(account, 0);
      return { browser, phone, account, number, challengeId: challenge!.id };
    }

    async function assertNotSignedIn(browser: Agent): Promise<void> {
      await h.post(browser, '/mfa/verify/push', { method: 'push' }, '/mfa/verify/push');
      const home = await browser.get('/').redirects(0);
      assert.equal(home.status, 303, 'the second step is still required');
      assert.equal(home.headers.location, '/mfa/verify');
    }

    const errorCode = (r: PromiseSettledResult<string>): string => (r.status === 'fulfilled' ? r.value : r.reason instanceof AuthenticatorError ? r.reason.code : String(r.reason));

    // Attack: a stolen phone (or copied device key) fires 40 signed answers to one notification at
    // once, wrong PINs first and the right PIN last, so that the wrong ones are still being hashed
    // when the limit is checked and the right one slips through.
    it(`judges at most ${MAX_PIN_FAILURES} PINs of ${BURST} parallel answers and approves none of them`, async () => {
      const { browser, phone, account, number, challengeId } = await signInWaiting();
      const pins = Array.from({ length: BURST }, (_, i) => (i === BURST - 1 ? PIN : String(500_000 + i)));
      const results = await Promise.allSettled(pins.map((pin) => phone.answer(account, challengeId, 'approve', { number, pin })));
      const codes = results.map(errorCode);
      assert.equal(codes.filter((c) => c === 'approved').length, 0, `no approval: ${codes.join(' ')}`);
      assert.ok(codes.filter((c) => c === 'pin_incorrect').length <= MAX_PIN_FAILURES, `at most ${MAX_PIN_FAILURES} PINs judged: ${codes.join(' ')}`);
      assert.ok(codes.every((c) => c === 'pin_incorrect' || c === 'device_disabled' || c === 'challenge_unavailable'), codes.join(' '));
      assert.ok(h.events.filter((e) => e.type === 'push.pin_failed').length <= MAX_PIN_FAILURES);
      assert.notEqual((await h.store.push.getChallenge(challengeId))!.status, 'approved');
      await assertNotSignedIn(browser);
      // Afterwards the right PIN is refused too: the request failed at the first wrong PIN judged,
      // and the device is disabled if the burst used up its attempts.
      const late = await phone.answer(account, challengeId, 'approve', { number, pin: PIN }).catch((e: unknown) => (e instanceof AuthenticatorError ? e.code : String(e)));
      assert.ok(['challenge_unavailable', 'device_disabled'].includes(late), late);
    });

    // Attack: the right PIN arrives while the device is being disabled (a burst of wrong PINs from a
    // copy of the key, or an administrator); the answer was authenticated with the device as it was before.
    it('does not approve with a device disabled between reading it and resolving the notification', async () => {
      let disableOnResolve: string | null = null;
      const { browser, phone, account, number, challengeId } = await signInWaiting((inner) => aroundStoreMethods(inner, async (path, call) => {
        if (path === 'push.resolveChallenge' && disableOnResolve) await storeWith(inner, ['push']).push.disableDevice(disableOnResolve, h.clock.now());
        return call();
      }));
      disableOnResolve = account.deviceId;
      await assert.rejects(phone.answer(account, challengeId, 'approve', { number, pin: PIN }), { code: 'device_disabled' });
      assert.equal((await h.store.push.getChallenge(challengeId))!.status, 'pending');
      await assertNotSignedIn(browser);
    });

    // Attack: the notification was approved, then the device was disabled (lost, PIN lockout) before
    // the attacker's browser used the approval.
    it('does not complete a sign-in with an approval from a device disabled since', async () => {
      const { browser, phone, account, number, challengeId } = await signInWaiting();
      assert.equal(await phone.answer(account, challengeId, 'approve', { number, pin: PIN }), 'approved');
      await h.store.push.disableDevice(account.deviceId, h.clock.now());
      await assertNotSignedIn(browser);
      assert.equal((await h.store.push.getChallenge(challengeId))!.consumedAt, null, 'the approval was not used');
    });
  });
}
