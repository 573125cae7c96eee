import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ConfigurationError } from '../../src/errors.js';
import { createMfa } from '../../src/mfa.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import type { PushSubscriptionRecord } from '../../src/stores/push-records.js';
import { WebPushSender } from '../../src/push/web-push-sender.js';
import type { WebPushSenderOptions } from '../../src/push/web-push-sender.js';
import { STUB_PUSH_HOST, parseVapidHeader, startStubPushService, webPush } from '../support/stub-push-service.js';
import type { StubPushService, TestSubscription } from '../support/stub-push-service.js';

const vapid = webPush.generateVAPIDKeys();
const valid: WebPushSenderOptions = { vapidPublicKey: vapid.publicKey, vapidPrivateKey: vapid.privateKey, subject: 'mailto:ops@example.com' };
const record = (s: TestSubscription): PushSubscriptionRecord =>
  ({ deviceId: 'device-1', userId: 'alice', endpoint: s.endpoint, p256dh: s.keys.p256dh, auth: s.keys.auth, createdAt: 0 });

describe('WebPushSender options', () => {
  const refused = (options: unknown, pattern: RegExp) =>
    assert.throws(() => new WebPushSender(options as WebPushSenderOptions), (e: unknown) => e instanceof ConfigurationError && pattern.test(e.message));

  it('says how to make VAPID keys when they are missing or malformed', () => {
    refused({ subject: valid.subject }, /vapidPublicKey.*npx web-push generate-vapid-keys/);
    refused({ ...valid, vapidPrivateKey: undefined }, /vapidPrivateKey.*npx web-push generate-vapid-keys/);
    refused({ ...valid, vapidPublicKey: vapid.privateKey }, /vapidPublicKey: must be a base64url P-256 public key/);
    refused({ ...valid, vapidPrivateKey: `${vapid.privateKey}==` }, /vapidPrivateKey/);
    refused(undefined, /options are required/);
  });

  it('wants a mailto: or https: subject, a short TTL, a sane timeout and a real web-push module', () => {
    refused({ ...valid, subject: 'ops@example.com' }, /subject: must be a "mailto:" address or an "https:" URL/);
    refused({ ...valid, subject: 'http://example.com' }, /subject/);
    refused({ ...valid, ttlSeconds: 601 }, /ttlSeconds: must be an integer from 0 to 600/);
    refused({ ...valid, ttlSeconds: 1.5 }, /ttlSeconds/);
    refused({ ...valid, timeoutMs: 50 }, /timeoutMs: must be an integer from 100 to 60000/);
    refused({ ...valid, webPush: {} }, /webPush: must be the web-push module/);
    assert.doesNotThrow(() => new WebPushSender({ ...valid, subject: 'https://app.example/contact', ttlSeconds: 0 }));
  });

  it('wants allowedHosts to be host names, IP literals or "*.domain" entries', () => {
    refused({ ...valid, allowedHosts: [] }, /allowedHosts: must be a non-empty array of host names/);
    refused({ ...valid, allowedHosts: 'fcm.googleapis.com' }, /allowedHosts: must be a non-empty array/);
    refused({ ...valid, allowedHosts: ['fcm.googleapis.com:443'] }, /allowedHosts: "fcm\.googleapis\.com:443" is not a host name, IP literal or "\*\.domain"/);
    for (const entry of ['https://fcm.googleapis.com', 'fcm.googleapis.com/fcm', '*', '*.com', '*fcm.googleapis.com', 'fcm.*.com', '*.10.0.0', '', 42, 'a..b', '0x7f.1']) {
      refused({ ...valid, allowedHosts: ['web.push.apple.com', entry] }, /allowedHosts: .* is not a host name/);
    }
    assert.doesNotThrow(() => new WebPushSender({ ...valid, allowedHosts: ['PUSH.Example.com', '*.notify.windows.com', '10.0.0.7', '[::1]'] }));
  });

  it('allows the browsers’ push services by default and nothing else', () => {
    const sender = new WebPushSender(valid);
    for (const endpoint of ['https://fcm.googleapis.com/fcm/send/abc', 'https://updates.push.services.mozilla.com/wpush/v2/abc', 'https://web.push.apple.com/QGx', 'https://wns2-par02p.notify.windows.com/w/?token=abc']) {
      assert.equal(sender.allowsEndpoint(endpoint), true, endpoint);
    }
    for (const endpoint of ['https://127.0.0.1/push', 'https://localhost/push', 'https://169.254.169.254/latest/meta-data/', 'https://internal.example/push', 'not a url']) {
      assert.equal(sender.allowsEndpoint(endpoint), false, endpoint);
    }
  });

  it('fails at startup with a ConfigurationError saying how to install web-push when it is missing', async () => {
    // The compiled sender and its runtime imports, copied where no node_modules can be found.
    const dir = mkdtempSync(join(tmpdir(), 'no-web-push-'));
    try {
      const src = join(dirname(fileURLToPath(import.meta.url)), '../../src');
      mkdirSync(join(dir, 'push'));
      copyFileSync(join(src, 'push/web-push-sender.js'), join(dir, 'push/web-push-sender.js'));
      copyFileSync(join(src, 'push/push-host-allow-list.js'), join(dir, 'push/push-host-allow-list.js'));
      copyFileSync(join(src, 'errors.js'), join(dir, 'errors.js'));
      copyFileSync(join(src, 'plural.js'), join(dir, 'plural.js'));
      const isolated = (await import(pathToFileURL(join(dir, 'push/web-push-sender.js')).href)) as { WebPushSender: typeof WebPushSender };
      assert.throws(() => new isolated.WebPushSender(valid), (e: Error) => e.name === 'ConfigurationError' && /"web-push" is not installed; run `npm install web-push@\^3\.6\.0`/.test(e.message));
      assert.doesNotThrow(() => new isolated.WebPushSender({ ...valid, webPush: webPush }), 'an injected module needs no package');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('createMfa refuses a sender that is not a PushSender, and a store without the Web Push facet', () => {
    const base = { issuer: 'Contoso', secretKey: 'ab'.repeat(32) };
    assert.throws(() => createMfa({ ...base, store: new MemoryStore(), push: { sender: {} as never } }), /push\.sender: must implement PushSender/);
    const store = new MemoryStore();
    const withoutWebPush = { core: store.core, sessionGenerations: store.sessionGenerations, rateLimits: store.rateLimits, push: store.push };
    const sender = new WebPushSender(valid);
    assert.throws(() => createMfa({ ...base, store: withoutWebPush, push: { sender } }), /lacks the `pushSubscriptions` facet .*remove push\.sender/);
    assert.doesNotThrow(() => createMfa({ ...base, store: withoutWebPush }), 'without a sender the store needs no Web Push facet');
  });
});

describe('WebPushSender against a stub push service (the real web-push package)', () => {
  let service: StubPushService;
  before(async () => {
    service = await startStubPushService();
  });
  after(async () => service.close());

  it('POSTs a VAPID-signed, aes128gcm-encrypted message that says only "a request is waiting"', async () => {
    const subscription = service.subscription();
    const sender = new WebPushSender({ ...valid, agent: service.agent, allowedHosts: [STUB_PUSH_HOST] });
    const delivered = service.nextDelivery();
    assert.equal(await sender.send(record(subscription), { v: 1, type: 'challenge', deviceId: 'device-1' }), 'sent');
    const { path, headers, body } = await delivered;

    assert.equal(path, new URL(subscription.endpoint).pathname);
    assert.equal(headers['content-encoding'], 'aes128gcm');
    assert.equal(headers.ttl, '120', 'held by the push service no longer than a challenge lives');
    assert.equal(headers.urgency, 'high');
    assert.equal(headers.topic, 'mfa-challenge', 'undelivered wake-ups collapse into one');

    const { jwtHeader, claims, key } = parseVapidHeader(headers.authorization);
    assert.equal(jwtHeader.alg, 'ES256');
    assert.equal(key, vapid.publicKey);
    assert.equal(claims.aud, service.origin, 'audience = the endpoint’s origin');
    assert.equal(claims.sub, valid.subject);
    const secondsLeft = Number(claims.exp) - Date.now() / 1000;
    assert.ok(secondsLeft > 0 && secondsLeft <= 24 * 3600, `exp within 24 h (${secondsLeft} s)`);
    const [h, p, s] = /t=([^,]+)/.exec(headers.authorization!)![1]!.split('.');
    const raw = Buffer.from(vapid.publicKey, 'base64url');
    const jwk = { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') };
    const signedBy = verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(s!, 'base64url'));
    assert.ok(signedBy, 'the JWT verifies with the VAPID public key');

    assert.equal(body.includes(Buffer.from('challenge')), false, 'the body is encrypted');
    // Attack: a push service (or whoever reads its queue) learning anything about the sign-in.
    assert.deepEqual(JSON.parse(subscription.decrypt(body)), { v: 1, type: 'challenge', deviceId: 'device-1' }, 'no challenge id, number, context or secret');
  });

  it('reports 404 and 410 as a gone subscription and throws on other failures', async () => {
    const sender = new WebPushSender({ ...valid, agent: service.agent, timeoutMs: 5000, allowedHosts: [STUB_PUSH_HOST] });
    try {
      service.state.status = 410;
      assert.equal(await sender.send(record(service.subscription()), { v: 1, type: 'challenge', deviceId: 'd' }), 'gone');
      service.state.status = 404;
      assert.equal(await sender.send(record(service.subscription()), { v: 1, type: 'challenge', deviceId: 'd' }), 'gone');
      service.state.status = 500;
      await assert.rejects(sender.send(record(service.subscription()), { v: 1, type: 'challenge', deviceId: 'd' }), /unexpected response code/);
    } finally {
      service.state.status = 201;
    }
  });

  it('uses an injected web-push module instead of importing the package', async () => {
    const calls: unknown[][] = [];
    const fake = { sendNotification: async (...args: unknown[]) => (calls.push(args), { statusCode: 201 }) };
    const sender = new WebPushSender({ ...valid, ttlSeconds: 30, timeoutMs: 2000, webPush: fake, allowedHosts: [STUB_PUSH_HOST] });
    assert.equal(await sender.send(record(service.subscription()), { v: 1, type: 'challenge', deviceId: 'd' }), 'sent');
    assert.equal(calls.length, 1);
    const options = calls[0]![2] as { TTL: number; timeout: number };
    assert.deepEqual([options.TTL, options.timeout], [30, 2000]);
  });

  it('refuses to send to an endpoint outside allowedHosts, without calling web-push', async () => {
    // Attack: SSRF through a subscription that reached the sender without the route's check.
    const calls: unknown[] = [];
    const fake = { sendNotification: async (...args: unknown[]) => (calls.push(args), { statusCode: 201 }) };
    const sender = new WebPushSender({ ...valid, webPush: fake });
    await assert.rejects(sender.send(record(service.subscription()), { v: 1, type: 'challenge', deviceId: 'd' }), /endpoint host is not in allowedHosts/);
    assert.equal(calls.length, 0);
  });
});
