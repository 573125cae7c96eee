import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { newChallenge } from '../../src/push/challenge.js';
import type { PushChallengeRecord, PushDeviceRecord, PushSubscriptionRecord } from '../../src/stores/push-records.js';
import type { MfaStore } from '../../src/stores/store.js';

const T0 = 1_700_000_000_000;
const PARALLEL = 30;
const KEY = { kty: 'EC', crv: 'P-256', x: 'x-coordinate', y: 'y-coordinate' } as const;

export function makeDevice(overrides: Partial<PushDeviceRecord> = {}): PushDeviceRecord {
  return {
    id: randomBytes(16).toString('base64url'),
    userId: 'alice',
    activationCodeHash: 'scrypt$hash',
    activationExpiresAt: T0 + 600_000,
    activatedAt: null,
    publicKey: null,
    name: null,
    pinHash: null,
    disabledAt: null,
    createdAt: T0,
    ...overrides,
  };
}

/** A pending challenge as the push method creates it, with a fixed number for assertions. */
export function makeChallenge(overrides: Partial<PushChallengeRecord> = {}): PushChallengeRecord {
  const context = { ip: '203.0.113.9', userAgent: 'Test/1.0', time: T0 };
  return { ...newChallenge({ userId: 'alice', factorId: null, context, ttlMs: 120_000, now: T0, random: randomBytes }), number: '42', ...overrides };
}

const parallel = <T>(call: (i: number) => Promise<T>) => Promise.all(Array.from({ length: PARALLEL }, (_, i) => call(i)));

/** The push block of the MfaStore contract; `store()` is the fresh store of the current test. */
export function runPushStoreSuite(store: () => MfaStore): void {
  /** Creates `count` activated devices (only those may answer) and returns their ids. */
  async function devices(count: number): Promise<string[]> {
    const made = Array.from({ length: count }, () => makeDevice({ activatedAt: T0, publicKey: KEY }));
    for (const d of made) await store().createPushDevice(d);
    return made.map((d) => d.id);
  }

  describe('push devices', () => {
    it('round-trips a device and hands out copies', async () => {
      const device = makeDevice({ pinHash: 'pin', name: 'Phone' });
      await store().createPushDevice(device);
      const fetched = await store().getPushDevice(device.id);
      assert.deepEqual(fetched, device);
      fetched!.name = 'changed';
      assert.deepEqual(await store().getPushDevice(device.id), device);
      assert.equal(await store().getPushDevice('nope'), null);
      await assert.rejects(store().createPushDevice(device));
    });

    it('activates once, before expiry only, storing key and name', async () => {
      const device = makeDevice();
      const expired = makeDevice({ activationExpiresAt: T0 });
      await store().createPushDevice(device);
      await store().createPushDevice(expired);
      assert.equal(await store().activatePushDevice(expired.id, { publicKey: KEY, name: null, now: T0 }), false);
      assert.equal(await store().activatePushDevice('nope', { publicKey: KEY, name: null, now: T0 }), false);
      assert.equal(await store().activatePushDevice(device.id, { publicKey: KEY, name: 'Pixel', now: T0 + 5 }), true);
      assert.equal(await store().activatePushDevice(device.id, { publicKey: { ...KEY, x: 'other' }, name: null, now: T0 + 6 }), false);
      assert.deepEqual(await store().getPushDevice(device.id), { ...device, activatedAt: T0 + 5, publicKey: KEY, name: 'Pixel' });
    });

    it('sets the PIN hash and disables once', async () => {
      const device = makeDevice();
      await store().createPushDevice(device);
      assert.equal(await store().setPushDevicePin(device.id, 'hash'), true);
      assert.equal(await store().setPushDevicePin('nope', 'hash'), false);
      await store().disablePushDevice(device.id, T0 + 1);
      await store().disablePushDevice(device.id, T0 + 2);
      const stored = await store().getPushDevice(device.id);
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
      for (const c of [late, early, expired, answered, bobs]) await store().createPushChallenge(c);
      assert.deepEqual(await store().getPushChallenge(answered.id), answered);
      assert.deepEqual(await store().listOpenPushChallenges('alice', T0 + 5), [early, late]);
      assert.deepEqual(await store().listOpenPushChallenges('bob', T0 + 5), [bobs]);
      await assert.rejects(store().createPushChallenge(late));
    });

    it('resolves a pending challenge once, never after expiry', async () => {
      const [d1, d2] = await devices(2);
      const c = makeChallenge();
      const old = makeChallenge();
      await store().createPushChallenge(c);
      await store().createPushChallenge(old);
      assert.equal(await store().resolvePushChallenge(old.id, { status: 'approved', deviceId: d1!, evidence: null, now: old.expiresAt }), false);
      assert.equal(await store().resolvePushChallenge(c.id, { status: 'denied', deviceId: d1!, evidence: 'sig', now: T0 + 1 }), true);
      assert.equal(await store().resolvePushChallenge(c.id, { status: 'approved', deviceId: d2!, evidence: null, now: T0 + 2 }), false);
      assert.deepEqual(await store().getPushChallenge(c.id), { ...c, status: 'denied', resolvedAt: T0 + 1, resolvedBy: d1, evidence: 'sig' });
    });

    it('lets no disabled or unknown device resolve a challenge', async () => {
      const [disabled, enabled] = await devices(2);
      await store().disablePushDevice(disabled!, T0);
      const c = makeChallenge();
      await store().createPushChallenge(c);
      for (const status of ['approved', 'denied', 'fraud', 'failed'] as const) {
        assert.equal(await store().resolvePushChallenge(c.id, { status, deviceId: disabled!, evidence: null, now: T0 + 1 }), false, status);
        assert.equal(await store().resolvePushChallenge(c.id, { status, deviceId: 'no-such-device', evidence: null, now: T0 + 1 }), false, status);
      }
      assert.deepEqual(await store().getPushChallenge(c.id), c);
      assert.equal(await store().resolvePushChallenge(c.id, { status: 'approved', deviceId: enabled!, evidence: null, now: T0 + 1 }), true);
    });

    it('consumes only an approved challenge, once', async () => {
      const [d] = await devices(1);
      const denied = makeChallenge({ status: 'denied', resolvedBy: d! });
      const approved = makeChallenge({ status: 'approved', resolvedBy: d! });
      await store().createPushChallenge(denied);
      await store().createPushChallenge(approved);
      assert.equal(await store().consumePushChallenge(denied.id, T0), false);
      assert.equal(await store().consumePushChallenge(approved.id, T0 + 1), true);
      assert.equal(await store().consumePushChallenge(approved.id, T0 + 2), false);
      assert.equal((await store().getPushChallenge(approved.id))?.consumedAt, T0 + 1);
    });

    it('consumes no approval of a device disabled since it approved', async () => {
      const [d] = await devices(1);
      const approved = makeChallenge({ status: 'approved', resolvedAt: T0, resolvedBy: d! });
      const orphan = makeChallenge({ status: 'approved', resolvedAt: T0, resolvedBy: 'no-such-device' });
      await store().createPushChallenge(approved);
      await store().createPushChallenge(orphan);
      await store().disablePushDevice(d!, T0 + 1);
      assert.equal(await store().consumePushChallenge(approved.id, T0 + 2), false);
      assert.equal(await store().consumePushChallenge(orphan.id, T0 + 2), false);
      assert.equal((await store().getPushChallenge(approved.id))?.consumedAt, null);
    });

    it('lists unseen fraud reports until they are marked seen', async () => {
      const fraud = makeChallenge({ status: 'fraud' });
      const bobsFraud = makeChallenge({ status: 'fraud', userId: 'bob' });
      await store().createPushChallenge(fraud);
      await store().createPushChallenge(bobsFraud);
      await store().createPushChallenge(makeChallenge({ status: 'denied' }));
      assert.deepEqual(await store().listUnseenFraudReports('alice'), [fraud]);
      await store().markFraudReportsSeen('alice', T0 + 9);
      assert.deepEqual(await store().listUnseenFraudReports('alice'), []);
      assert.equal((await store().getPushChallenge(fraud.id))?.noticeSeenAt, T0 + 9);
      assert.equal((await store().listUnseenFraudReports('bob')).length, 1);
    });
  });

  describe('Web Push subscriptions', () => {
    const subscription = (deviceId: string, overrides: Partial<PushSubscriptionRecord> = {}): PushSubscriptionRecord => ({
      deviceId, userId: 'alice', endpoint: `https://push.example/${deviceId}`, p256dh: 'BP256dh', auth: 'auth', createdAt: T0, ...overrides,
    });

    it('keeps one subscription per device, replaced on put, listed per user oldest first', async () => {
      await store().putPushSubscription(subscription('d2', { createdAt: T0 + 5 }));
      await store().putPushSubscription(subscription('d1'));
      await store().putPushSubscription(subscription('d3', { userId: 'bob' }));
      assert.deepEqual(await store().listPushSubscriptions('alice'), [subscription('d1'), subscription('d2', { createdAt: T0 + 5 })]);
      const replaced = subscription('d1', { endpoint: 'https://push.example/new', p256dh: 'new', auth: 'new', createdAt: T0 + 9 });
      await store().putPushSubscription(replaced);
      assert.deepEqual(await store().listPushSubscriptions('alice'), [subscription('d2', { createdAt: T0 + 5 }), replaced]);
      assert.deepEqual(await store().listPushSubscriptions('carol'), []);
    });

    it('deletes a subscription, with an endpoint only while it is still that one', async () => {
      await store().putPushSubscription(subscription('d1'));
      assert.equal(await store().deletePushSubscription('d1', 'https://push.example/old'), false, 'a newer subscription survives a stale 410');
      assert.equal((await store().listPushSubscriptions('alice')).length, 1);
      assert.equal(await store().deletePushSubscription('d1', 'https://push.example/d1'), true);
      assert.equal(await store().deletePushSubscription('d1'), false);
      await store().putPushSubscription(subscription('d1'));
      assert.equal(await store().deletePushSubscription('d1'), true);
      assert.deepEqual(await store().listPushSubscriptions('alice'), []);
    });
  });

  describe('nonces', () => {
    it('accepts a nonce once per scope until it expires', async () => {
      assert.equal(await store().consumeNonce('dev1', 'n', T0 + 100, T0), true);
      assert.equal(await store().consumeNonce('dev1', 'n', T0 + 100, T0 + 99), false);
      assert.equal(await store().consumeNonce('dev2', 'n', T0 + 100, T0), true);
      assert.equal(await store().consumeNonce('dev1', 'n', T0 + 300, T0 + 100), true, 'expired nonces are forgotten');
      assert.equal(await store().consumeNonce('dev1', 'n', T0 + 300, T0 + 200), false);
    });
  });

  describe(`push atomicity under ${PARALLEL} parallel callers`, () => {
    it('activatePushDevice: exactly one caller consumes the activation code', async () => {
      const device = makeDevice();
      await store().createPushDevice(device);
      const results = await parallel((i) => store().activatePushDevice(device.id, { publicKey: { ...KEY, x: `k${i}` }, name: null, now: T0 }));
      assert.equal(results.filter(Boolean).length, 1);
      const winner = results.indexOf(true);
      assert.equal((await store().getPushDevice(device.id))?.publicKey?.x, `k${winner}`);
    });

    it('resolvePushChallenge: exactly one answer wins', async () => {
      const ids = await devices(PARALLEL);
      const c = makeChallenge();
      await store().createPushChallenge(c);
      const results = await parallel((i) =>
        store().resolvePushChallenge(c.id, { status: i % 2 ? 'approved' : 'denied', deviceId: ids[i]!, evidence: null, now: T0 + 1 }),
      );
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await store().getPushChallenge(c.id))?.resolvedBy, ids[results.indexOf(true)]);
    });

    it('resolvePushChallenge: a device disabled in parallel with its answers wins nothing', async () => {
      const [d] = await devices(1);
      const c = makeChallenge();
      await store().createPushChallenge(c);
      const results = await Promise.all([
        store().disablePushDevice(d!, T0),
        ...Array.from({ length: PARALLEL }, () => store().resolvePushChallenge(c.id, { status: 'approved', deviceId: d!, evidence: null, now: T0 + 1 })),
      ]);
      assert.equal(results.filter((r) => r === true).length, 0);
      assert.equal((await store().getPushChallenge(c.id))?.status, 'pending');
    });

    it('consumePushChallenge: exactly one session completes the sign-in', async () => {
      const [d] = await devices(1);
      const c = makeChallenge({ status: 'approved', resolvedBy: d! });
      await store().createPushChallenge(c);
      assert.equal((await parallel(() => store().consumePushChallenge(c.id, T0))).filter(Boolean).length, 1);
    });

    it('consumeNonce: exactly one request with a nonce gets through', async () => {
      assert.equal((await parallel(() => store().consumeNonce('dev', 'nonce', T0 + 60_000, T0))).filter(Boolean).length, 1);
    });
  });
}
