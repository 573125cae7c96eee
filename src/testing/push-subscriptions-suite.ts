import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PushSubscriptionRecord } from '../stores/push-records.js';
import { itRejectsAfterClose, parallel, PARALLEL, T0 } from './store-per-test.js';
import type { SuiteStore } from './store-per-test.js';

const subscription = (deviceId: string, overrides: Partial<PushSubscriptionRecord> = {}): PushSubscriptionRecord => ({
  deviceId, userId: 'alice', endpoint: `https://push.example/${deviceId}`, p256dh: 'BP256dh', auth: 'auth', createdAt: T0, ...overrides,
});

/** The push-subscriptions facet's contract (../stores/facets/push-subscriptions.ts). */
export function pushSubscriptionsSuite(store: SuiteStore, closes: boolean): void {
  it('keeps one subscription per device, replaced on put, listed per user oldest first', async () => {
    await store.pushSubscriptions.put(subscription('d2', { createdAt: T0 + 5 }));
    await store.pushSubscriptions.put(subscription('d1'));
    await store.pushSubscriptions.put(subscription('d3', { userId: 'bob' }));
    assert.deepEqual(await store.pushSubscriptions.list('alice'), [subscription('d1'), subscription('d2', { createdAt: T0 + 5 })]);
    const replaced = subscription('d1', { endpoint: 'https://push.example/new', p256dh: 'new', auth: 'new', createdAt: T0 + 9 });
    await store.pushSubscriptions.put(replaced);
    assert.deepEqual(await store.pushSubscriptions.list('alice'), [subscription('d2', { createdAt: T0 + 5 }), replaced]);
    assert.deepEqual(await store.pushSubscriptions.list('carol'), []);
  });

  it('deletes a subscription, with an endpoint only while it is still that one', async () => {
    await store.pushSubscriptions.put(subscription('d1'));
    assert.equal(await store.pushSubscriptions.delete('d1', 'https://push.example/old'), false, 'a newer subscription survives a stale 410');
    assert.equal((await store.pushSubscriptions.list('alice')).length, 1);
    assert.equal(await store.pushSubscriptions.delete('d1', 'https://push.example/d1'), true);
    assert.equal(await store.pushSubscriptions.delete('d1'), false);
    await store.pushSubscriptions.put(subscription('d1'));
    assert.equal(await store.pushSubscriptions.delete('d1'), true);
    assert.deepEqual(await store.pushSubscriptions.list('alice'), []);
  });

  it('hands out copies', async () => {
    await store.pushSubscriptions.put(subscription('d1'));
    const [listed] = await store.pushSubscriptions.list('alice');
    listed!.endpoint = 'https://evil.example/';
    assert.deepEqual(await store.pushSubscriptions.list('alice'), [subscription('d1')]);
  });

  it(`put: of ${PARALLEL} parallel subscriptions of one device exactly one is kept, whole`, async () => {
    const puts = Array.from({ length: PARALLEL }, (_, i) => subscription('d1', { endpoint: `https://push.example/${i}`, p256dh: `k${i}`, auth: `a${i}` }));
    await parallel((i) => store.pushSubscriptions.put(puts[i]!));
    const kept = await store.pushSubscriptions.list('alice');
    assert.equal(kept.length, 1);
    assert.ok(puts.some((p) => JSON.stringify(p) === JSON.stringify(kept[0])), 'one of the puts, not a mix of several');
  });

  it(`delete with an endpoint: exactly one of ${PARALLEL} parallel callers deletes`, async () => {
    await store.pushSubscriptions.put(subscription('d1'));
    const results = await parallel(() => store.pushSubscriptions.delete('d1', 'https://push.example/d1'));
    assert.equal(results.filter(Boolean).length, 1);
  });

  itRejectsAfterClose(store, closes, () => ({
    put: () => store.pushSubscriptions.put(subscription('d1')),
    list: () => store.pushSubscriptions.list('alice'),
    delete: () => store.pushSubscriptions.delete('d1'),
  }));
}
