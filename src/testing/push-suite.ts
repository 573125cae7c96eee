import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeChallenge, makeDevice } from './records.js';
import { itRejectsAfterClose, parallel, PARALLEL, T0 } from './store-per-test.js';
import type { SuiteStore } from './store-per-test.js';

const KEY = { kty: 'EC', crv: 'P-256', x: 'x-coordinate', y: 'y-coordinate' } as const;

/** The push facet's contract (../stores/facets/push.ts): devices, challenges, nonces. */
export function pushSuite(store: SuiteStore, closes: boolean): void {
  /** Creates `count` activated devices (only those may answer) and returns their ids. */
  async function devices(count: number): Promise<string[]> {
    const made = Array.from({ length: count }, () => makeDevice({ activatedAt: T0, publicKey: KEY }));
    for (const d of made) await store.push.createDevice(d);
    return made.map((d) => d.id);
  }

  describe('push devices', () => {
    it('round-trips a device and hands out copies', async () => {
      const device = makeDevice({ pinHash: 'pin', name: 'Phone' });
      await store.push.createDevice(device);
      const fetched = await store.push.getDevice(device.id);
      assert.deepEqual(fetched, device);
      fetched!.name = 'changed';
      assert.deepEqual(await store.push.getDevice(device.id), device);
      assert.equal(await store.push.getDevice('nope'), null);
      await assert.rejects(store.push.createDevice(device));
    });

    it('activates once, before expiry only, storing key and name', async () => {
      const device = makeDevice();
      const expired = makeDevice({ activationExpiresAt: T0 });
      await store.push.createDevice(device);
      await store.push.createDevice(expired);
      assert.equal(await store.push.activateDevice(expired.id, { publicKey: KEY, name: null, now: T0 }), false);
      assert.equal(await store.push.activateDevice('nope', { publicKey: KEY, name: null, now: T0 }), false);
      assert.equal(await store.push.activateDevice(device.id, { publicKey: KEY, name: 'Pixel', now: T0 + 5 }), true);
      assert.equal(await store.push.activateDevice(device.id, { publicKey: { ...KEY, x: 'other' }, name: null, now: T0 + 6 }), false);
      assert.deepEqual(await store.push.getDevice(device.id), { ...device, activatedAt: T0 + 5, publicKey: KEY, name: 'Pixel' });
    });

    it('sets the PIN hash and disables once', async () => {
      const device = makeDevice();
      await store.push.createDevice(device);
      assert.equal(await store.push.setDevicePin(device.id, 'hash'), true);
      assert.equal(await store.push.setDevicePin('nope', 'hash'), false);
      await store.push.disableDevice(device.id, T0 + 1);
      await store.push.disableDevice(device.id, T0 + 2);
      const stored = await store.push.getDevice(device.id);
      assert.equal(stored?.pinHash, 'hash');
      assert.equal(stored?.disabledAt, T0 + 1);
    });
  });

  describe('push challenges', () => {
    it('round-trips, lists only the user’s open ones oldest first', async () => {
      const late = makeChallenge({ createdAt: T0 + 10 });
      const early = makeChallenge({ createdAt: T0 + 1 });
      const expired = makeChallenge({ expiresAt: T0 + 5 });
      const answered = makeChallenge({ status: 'denied', resolvedAt: T0 + 2, resolvedBy: 'd', evidence: '{}' });
      const bobs = makeChallenge({ userId: 'bob' });
      for (const c of [late, early, expired, answered, bobs]) await store.push.createChallenge(c);
      assert.deepEqual(await store.push.getChallenge(answered.id), answered);
      assert.deepEqual(await store.push.listOpenChallenges('alice', T0 + 5), [early, late]);
      assert.deepEqual(await store.push.listOpenChallenges('bob', T0 + 5), [bobs]);
      await assert.rejects(store.push.createChallenge(late));
    });

    it('resolves a pending challenge once, never after expiry', async () => {
      const [d1, d2] = await devices(2);
      const c = makeChallenge();
      const old = makeChallenge();
      await store.push.createChallenge(c);
      await store.push.createChallenge(old);
      assert.equal(await store.push.resolveChallenge(old.id, { status: 'approved', deviceId: d1!, evidence: null, now: old.expiresAt }), false);
      assert.equal(await store.push.resolveChallenge(c.id, { status: 'denied', deviceId: d1!, evidence: 'sig', now: T0 + 1 }), true);
      assert.equal(await store.push.resolveChallenge(c.id, { status: 'approved', deviceId: d2!, evidence: null, now: T0 + 2 }), false);
      assert.deepEqual(await store.push.getChallenge(c.id), { ...c, status: 'denied', resolvedAt: T0 + 1, resolvedBy: d1, evidence: 'sig' });
    });

    it('lets no disabled or unknown device resolve a challenge', async () => {
      const [disabled, enabled] = await devices(2);
      await store.push.disableDevice(disabled!, T0);
      const c = makeChallenge();
      await store.push.createChallenge(c);
      for (const status of ['approved', 'denied', 'fraud', 'failed'] as const) {
        assert.equal(await store.push.resolveChallenge(c.id, { status, deviceId: disabled!, evidence: null, now: T0 + 1 }), false, status);
        assert.equal(await store.push.resolveChallenge(c.id, { status, deviceId: 'no-such-device', evidence: null, now: T0 + 1 }), false, status);
      }
      assert.deepEqual(await store.push.getChallenge(c.id), c);
      assert.equal(await store.push.resolveChallenge(c.id, { status: 'approved', deviceId: enabled!, evidence: null, now: T0 + 1 }), true);
    });

    it('consumes only an approved challenge, once', async () => {
      const [d] = await devices(1);
      const denied = makeChallenge({ status: 'denied', resolvedBy: d! });
      const approved = makeChallenge({ status: 'approved', resolvedBy: d! });
      await store.push.createChallenge(denied);
      await store.push.createChallenge(approved);
      assert.equal(await store.push.consumeChallenge(denied.id, T0), false);
      assert.equal(await store.push.consumeChallenge(approved.id, T0 + 1), true);
      assert.equal(await store.push.consumeChallenge(approved.id, T0 + 2), false);
      assert.equal((await store.push.getChallenge(approved.id))?.consumedAt, T0 + 1);
    });

    it('consumes no approval of a device disabled since it approved', async () => {
      const [d] = await devices(1);
      const approved = makeChallenge({ status: 'approved', resolvedAt: T0, resolvedBy: d! });
      const orphan = makeChallenge({ status: 'approved', resolvedAt: T0, resolvedBy: 'no-such-device' });
      await store.push.createChallenge(approved);
      await store.push.createChallenge(orphan);
      await store.push.disableDevice(d!, T0 + 1);
      assert.equal(await store.push.consumeChallenge(approved.id, T0 + 2), false);
      assert.equal(await store.push.consumeChallenge(orphan.id, T0 + 2), false);
      assert.equal((await store.push.getChallenge(approved.id))?.consumedAt, null);
    });

    it('lists unseen fraud reports until they are marked seen', async () => {
      const fraud = makeChallenge({ status: 'fraud' });
      const bobsFraud = makeChallenge({ status: 'fraud', userId: 'bob' });
      await store.push.createChallenge(fraud);
      await store.push.createChallenge(bobsFraud);
      await store.push.createChallenge(makeChallenge({ status: 'denied' }));
      assert.deepEqual(await store.push.listUnseenFraudReports('alice'), [fraud]);
      await store.push.markFraudReportsSeen('alice', T0 + 9);
      assert.deepEqual(await store.push.listUnseenFraudReports('alice'), []);
      assert.equal((await store.push.getChallenge(fraud.id))?.noticeSeenAt, T0 + 9);
      assert.equal((await store.push.listUnseenFraudReports('bob')).length, 1);
    });
  });

  describe('nonces', () => {
    it('accepts a nonce once per scope until it expires', async () => {
      assert.equal(await store.push.consumeNonce('dev1', 'n', T0 + 100, T0), true);
      assert.equal(await store.push.consumeNonce('dev1', 'n', T0 + 100, T0 + 99), false);
      assert.equal(await store.push.consumeNonce('dev2', 'n', T0 + 100, T0), true);
      assert.equal(await store.push.consumeNonce('dev1', 'n', T0 + 300, T0 + 100), true, 'expired nonces are forgotten');
      assert.equal(await store.push.consumeNonce('dev1', 'n', T0 + 300, T0 + 200), false);
    });
  });

  describe(`push atomicity under ${PARALLEL} parallel callers`, () => {
    it('activateDevice: exactly one caller consumes the activation code', async () => {
      const device = makeDevice();
      await store.push.createDevice(device);
      const results = await parallel((i) => store.push.activateDevice(device.id, { publicKey: { ...KEY, x: `k${i}` }, name: null, now: T0 }));
      assert.equal(results.filter(Boolean).length, 1);
      const winner = results.indexOf(true);
      assert.equal((await store.push.getDevice(device.id))?.publicKey?.x, `k${winner}`);
    });

    it('resolveChallenge: exactly one answer wins', async () => {
      const ids = await devices(PARALLEL);
      const c = makeChallenge();
      await store.push.createChallenge(c);
      const results = await parallel((i) =>
        store.push.resolveChallenge(c.id, { status: i % 2 ? 'approved' : 'denied', deviceId: ids[i]!, evidence: null, now: T0 + 1 }),
      );
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await store.push.getChallenge(c.id))?.resolvedBy, ids[results.indexOf(true)]);
    });

    it('resolveChallenge: a disabled device wins nothing, however many answers it sends at once', async () => {
      const [d] = await devices(1);
      const c = makeChallenge();
      await store.push.createChallenge(c);
      await store.push.disableDevice(d!, T0);
      const results = await parallel(() => store.push.resolveChallenge(c.id, { status: 'approved', deviceId: d!, evidence: null, now: T0 + 1 }));
      assert.equal(results.filter(Boolean).length, 0);
      assert.equal((await store.push.getChallenge(c.id))?.status, 'pending');
    });

    // Calls in flight together on separate connections reach the database in no guaranteed
    // order: an answer may be applied just before the disable. The store must still behave as
    // if the calls ran one after the other, and an approval by a device disabled since can never
    // complete the sign-in.
    it('resolveChallenge: a device disabled in parallel with its answers never completes a sign-in', async () => {
      const [d] = await devices(1);
      const c = makeChallenge();
      await store.push.createChallenge(c);
      const [, ...results] = await Promise.all([
        store.push.disableDevice(d!, T0),
        ...Array.from({ length: PARALLEL }, () => store.push.resolveChallenge(c.id, { status: 'approved', deviceId: d!, evidence: null, now: T0 + 1 })),
      ]);
      const wins = results.filter((r) => r === true).length;
      assert.ok(wins <= 1, `${wins} answers won`);
      const stored = await store.push.getChallenge(c.id);
      assert.deepEqual([stored?.status, stored?.resolvedBy], wins === 1 ? ['approved', d] : ['pending', null]);
      assert.notEqual((await store.push.getDevice(d!))?.disabledAt, null);
      assert.equal(await store.push.consumeChallenge(c.id, T0 + 2), false);
      assert.equal((await store.push.getChallenge(c.id))?.consumedAt, null);
    });

    it('consumeChallenge: exactly one session completes the sign-in', async () => {
      const [d] = await devices(1);
      const c = makeChallenge({ status: 'approved', resolvedBy: d! });
      await store.push.createChallenge(c);
      assert.equal((await parallel(() => store.push.consumeChallenge(c.id, T0))).filter(Boolean).length, 1);
    });

    it('consumeNonce: exactly one request with a nonce gets through', async () => {
      assert.equal((await parallel(() => store.push.consumeNonce('dev', 'nonce', T0 + 60_000, T0))).filter(Boolean).length, 1);
    });
  });

  itRejectsAfterClose(store, closes, async () => {
    const [d] = await devices(1);
    const c = makeChallenge();
    await store.push.createChallenge(c);
    return {
      createDevice: () => store.push.createDevice(makeDevice()),
      getDevice: () => store.push.getDevice(d!),
      activateDevice: () => store.push.activateDevice(d!, { publicKey: KEY, name: null, now: T0 }),
      setDevicePin: () => store.push.setDevicePin(d!, 'hash'),
      disableDevice: () => store.push.disableDevice(d!, T0),
      createChallenge: () => store.push.createChallenge(makeChallenge()),
      getChallenge: () => store.push.getChallenge(c.id),
      listOpenChallenges: () => store.push.listOpenChallenges('alice', T0),
      resolveChallenge: () => store.push.resolveChallenge(c.id, { status: 'approved', deviceId: d!, evidence: null, now: T0 }),
      consumeChallenge: () => store.push.consumeChallenge(c.id, T0),
      listUnseenFraudReports: () => store.push.listUnseenFraudReports('alice'),
      markFraudReportsSeen: () => store.push.markFraudReportsSeen('alice', T0),
      consumeNonce: () => store.push.consumeNonce('dev', 'n', T0 + 1, T0),
    };
  });
}
