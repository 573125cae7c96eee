import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MfaEvent } from '../../src/events.js';
import type { PushMessage, PushSendResult, PushSender } from '../../src/push/push-sender.js';
import { deliverByWebPush } from '../../src/push/web-push-delivery.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import type { PushSubscriptionRecord } from '../../src/stores/push-records.js';
import { makeChallenge, makeDevice } from '../../src/testing/index.js';

const T0 = 1_700_000_000_000;

/** A store with push devices (and their factors) for alice and bob, each subscribed. */
async function setup() {
  const store = new MemoryStore();
  const ready = async (userId: string, overrides: { disabledAt?: number; confirmed?: boolean; factor?: boolean } = {}) => {
    const device = makeDevice({ userId, activatedAt: T0, publicKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }, disabledAt: overrides.disabledAt ?? null });
    await store.push.createDevice(device);
    if (overrides.factor !== false) {
      await store.core.createFactor({ id: device.id, userId, type: 'push', label: 'Phone', sealedSecret: null, data: {}, createdAt: T0, confirmedAt: overrides.confirmed === false ? null : T0, lastUsedAt: null, lastStep: null });
    }
    await store.pushSubscriptions.put({ deviceId: device.id, userId, endpoint: `https://push.example/${device.id}`, p256dh: 'p', auth: 'a', createdAt: T0 });
    return device.id;
  };
  const sent: Array<[PushSubscriptionRecord, PushMessage]> = [];
  const events: Array<Omit<MfaEvent, 'at'>> = [];
  const answers = new Map<string, PushSendResult | Error>();
  const disallowed = new Set<string>();
  const sender: PushSender = {
    allowsEndpoint: (endpoint) => !disallowed.has(endpoint),
    async send(subscription, message) {
      sent.push([subscription, message]);
      const answer = answers.get(subscription.deviceId) ?? 'sent';
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  const deliver = (challenge = makeChallenge()) => deliverByWebPush({ store, sender, emit: (e) => events.push(e) }, challenge);
  return { store, ready, sent, events, answers, disallowed, deliver };
}

describe('deliverByWebPush', () => {
  it('wakes only devices that may answer: the user’s ready devices, or the one being set up', async () => {
    const s = await setup();
    const phone = await s.ready('alice');
    // Attack: learning of someone else's sign-ins (bob's phone), or waking devices the user removed or that were disabled.
    await s.ready('bob');
    await s.ready('alice', { disabledAt: T0 });
    await s.ready('alice', { factor: false });
    const settingUp = await s.ready('alice', { confirmed: false });
    await s.deliver();
    assert.deepEqual(s.sent.map(([sub, message]) => [sub.deviceId, message]), [[phone, { v: 1, type: 'challenge', deviceId: phone }]]);
    s.sent.length = 0;
    await s.deliver(makeChallenge({ factorId: settingUp }));
    assert.deepEqual(s.sent.map(([sub]) => sub.deviceId), [settingUp], 'a setup challenge goes to the new device only');
    assert.deepEqual(s.events, []);
  });

  it('deletes a gone subscription and reports failures without throwing', async () => {
    const s = await setup();
    const gone = await s.ready('alice');
    const broken = await s.ready('alice');
    const timedOut = await s.ready('alice');
    s.answers.set(gone, 'gone');
    s.answers.set(broken, new Error('connect ECONNREFUSED'));
    s.answers.set(timedOut, new Error('Socket timeout'));
    await s.deliver();
    assert.deepEqual((await s.store.pushSubscriptions.list('alice')).map((x) => x.deviceId).sort(), [broken, timedOut].sort());
    assert.deepEqual(
      s.events.map((e) => [e.type, e.factorId, e.reason]).sort(),
      [['push.webpush_failed', broken, 'send_failed'], ['push.webpush_failed', gone, 'subscription_gone'], ['push.webpush_failed', timedOut, 'timeout']].sort(),
    );
  });

  it('does not send to a stored subscription whose endpoint the sender no longer allows', async () => {
    // Attack: SSRF through a subscription stored before the allow-list was narrowed (or by a since-fixed bug).
    const s = await setup();
    const allowed = await s.ready('alice');
    const stale = await s.ready('alice');
    s.disallowed.add(`https://push.example/${stale}`);
    await s.deliver();
    assert.deepEqual(s.sent.map(([sub]) => sub.deviceId), [allowed], 'no request to the disallowed endpoint');
    assert.deepEqual(s.events.map((e) => [e.type, e.factorId, e.reason]), [['push.webpush_failed', stale, 'endpoint_not_allowed']]);
    assert.equal((await s.store.pushSubscriptions.list('alice')).length, 2, 'kept: the host may be allowed again');
  });

  it('keeps a subscription the device replaced while the 410 was on its way', async () => {
    const s = await setup();
    await s.ready('alice');
    const sender: PushSender = {
      allowsEndpoint: () => true,
      async send(subscription) {
        await s.store.pushSubscriptions.put({ ...subscription, endpoint: 'https://push.example/renewed' });
        return 'gone';
      },
    };
    await deliverByWebPush({ store: s.store, sender, emit: () => {} }, makeChallenge());
    assert.deepEqual((await s.store.pushSubscriptions.list('alice')).map((x) => x.endpoint), ['https://push.example/renewed']);
  });
});
