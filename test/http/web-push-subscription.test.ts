import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import type { AuthenticatorClient } from '../../src/authenticator/client.js';
import { sendRaw } from '../support/device-signer.js';
import { startPushHarness } from '../support/push.js';
import { startWebPushHarness } from '../support/web-push-harness.js';
import type { WebPushHarness } from '../support/web-push-harness.js';

const GENERIC = { v: 1, error: 'unauthorized', message: 'Request not accepted.' };
const PATH = '/mfa/device/push-subscription';

describe('device API: registering a Web Push subscription', () => {
  let h: WebPushHarness;
  let alice: { phone: AuthenticatorClient; account: AuthenticatorAccount };
  let mallory: { phone: AuthenticatorClient; account: AuthenticatorAccount };
  before(async () => {
    h = await startWebPushHarness();
    alice = await h.enrolledPushUser();
    mallory = await h.enrolledPushUser('mallory');
  });
  after(async () => h.stop());

  const stored = async () => h.store.pushSubscriptions.list(await h.userId());

  it('registers, replaces and removes the device’s subscription through the client library', async () => {
    const first = h.service.subscription();
    await alice.phone.registerPushSubscription(alice.account, { ...first, expirationTime: null });
    assert.deepEqual((await stored()).map((s) => [s.deviceId, s.endpoint, s.p256dh, s.auth]), [[alice.account.deviceId, first.endpoint, first.keys.p256dh, first.keys.auth]]);
    const second = h.service.subscription();
    await alice.phone.registerPushSubscription(alice.account, second);
    assert.deepEqual((await stored()).map((s) => s.endpoint), [second.endpoint], 'one subscription per device');
    await alice.phone.unregisterPushSubscription(alice.account);
    assert.deepEqual(await stored(), []);
  });

  it('refuses unsigned, replayed and foreign-device requests with the generic error', async () => {
    const body = (({ endpoint, keys }) => ({ endpoint, keys }))(h.service.subscription());
    // Attack: registering an attacker's push endpoint for someone's device without its key.
    const unsigned = await fetch(h.origin + PATH, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-mfa-device': alice.account.deviceId }, body: JSON.stringify(body) });
    assert.equal(unsigned.status, 401);
    assert.deepEqual(await unsigned.json(), GENERIC);

    // Attack: replaying an intercepted registration (e.g. to restore a subscription the user removed).
    const nonce = 'replayed-nonce-0123456789';
    assert.equal((await sendRaw(h.origin, alice.account, { method: 'PUT', path: PATH, body, timestamp: h.clock.now(), nonce })).status, 200);
    const replay = await sendRaw(h.origin, alice.account, { method: 'PUT', path: PATH, body, timestamp: h.clock.now(), nonce });
    assert.deepEqual([replay.status, replay.body], [401, GENERIC]);
    const replayedDelete = await sendRaw(h.origin, alice.account, { method: 'DELETE', path: PATH, timestamp: h.clock.now(), nonce });
    assert.deepEqual([replayedDelete.status, replayedDelete.body], [401, GENERIC]);

    // Attack: another user's device (mallory's key) claiming alice's device id, to redirect or drop her wake-ups.
    const foreign = await sendRaw(h.origin, alice.account, { method: 'DELETE', path: PATH, timestamp: h.clock.now(), key: mallory.account.privateKey });
    assert.deepEqual([foreign.status, foreign.body], [401, GENERIC]);
    // Attack: a stale signature (captured long ago) replayed after the ±60 s window.
    const stale = await sendRaw(h.origin, alice.account, { method: 'PUT', path: PATH, body, timestamp: h.clock.now() - 61_000 });
    assert.deepEqual([stale.status, stale.body], [401, GENERIC]);
    assert.deepEqual((await stored()).map((s) => s.endpoint), [body.endpoint], 'alice’s subscription is untouched');
  });

  it('answers 400 for subscriptions that are not a valid https endpoint with P-256 keys', async () => {
    const good = (({ endpoint, keys }) => ({ endpoint, keys }))(h.service.subscription());
    // Attack: making the server POST to internal or plain-http URLs (SSRF), or overlong or malformed input.
    const cases: Array<[string, unknown]> = [
      ['plain http', { ...good, endpoint: good.endpoint.replace('https:', 'http:') }],
      ['not a URL', { ...good, endpoint: 'push service' }],
      ['credentials in the URL', { ...good, endpoint: good.endpoint.replace('https://', 'https://user:pw@') }],
      ['overlong endpoint', { ...good, endpoint: `${good.endpoint}/${'a'.repeat(2048)}` }],
      ['p256dh of the wrong length', { ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(0, 80) } }],
      ['p256dh not base64url', { ...good, keys: { ...good.keys, p256dh: `${good.keys.p256dh.slice(1)}!` } }],
      ['auth of the wrong length', { ...good, keys: { ...good.keys, auth: good.keys.auth + 'AAAA' } }],
      ['missing keys', { endpoint: good.endpoint }],
      ['unknown member', { ...good, extra: 1 }],
      ['not an object', ['x']],
    ];
    for (const [why, body] of cases) {
      const res = await sendRaw(h.origin, alice.account, { method: 'PUT', path: PATH, body, timestamp: h.clock.now() });
      assert.equal(res.status, 400, why);
      assert.equal(res.body.error, 'invalid_request', why);
    }
  });

  it('answers 403 device_disabled to a device disabled after too many wrong PINs', async () => {
    await h.store.push.disableDevice(mallory.account.deviceId, h.clock.now());
    const res = await sendRaw(h.origin, mallory.account, { method: 'PUT', path: PATH, body: (({ endpoint, keys }) => ({ endpoint, keys }))(h.service.subscription()), timestamp: h.clock.now() });
    assert.deepEqual([res.status, res.body.error], [403, 'device_disabled']);
  });
});

describe('device API: Web Push subscriptions without push.sender', () => {
  it('answers 404 web_push_unavailable to a signed request, so the app keeps long-polling', async () => {
    const h = await startPushHarness();
    try {
      const { account } = await h.enrolledPushUser();
      const res = await sendRaw(h.origin, account, { method: 'DELETE', path: PATH, timestamp: h.clock.now() });
      assert.deepEqual([res.status, res.body.error], [404, 'web_push_unavailable']);
      const unsigned = await fetch(h.origin + PATH, { method: 'DELETE' });
      assert.equal(unsigned.status, 401, 'still authenticated first');
    } finally {
      await h.stop();
    }
  });
});
