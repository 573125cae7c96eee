import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import { sendRaw } from '../support/device-signer.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';
import type { Agent } from '../support/harness.js';

describe('device activation', () => {
  let h: PushHarness;
  let a: Agent;
  let setup: { code: string; url: string; qrText: string };

  beforeEach(async () => {
    h = await startPushHarness();
    a = h.browser();
    await h.login(a);
    setup = await h.beginPushSetup(a);
  });
  afterEach(async () => h.stop());

  const wrongCode = () => (setup.code.startsWith('0') ? '1' : '0') + setup.code.replace(/ /g, '').slice(1);

  it('activates from Code + URL typed by hand (spaces allowed) and returns the device id and TOTP seed', async () => {
    const account = await h.phone().activate({ code: setup.code, url: setup.url });
    assert.match(account.deviceId, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(account.deviceApi, '/mfa/device');
    assert.equal(account.totp.secret.length, 32);
    assert.deepEqual([account.totp.algorithm, account.totp.digits, account.totp.period], ['sha1', 6, 30]);
    assert.ok(h.events.some((e) => e.type === 'push.device_activated'));
  });

  // Attack: reusing an activation code (e.g. read off the user's screen after they activated).
  it('accepts the activation code once only', async () => {
    await h.phone().activate(setup.qrText);
    await assert.rejects(h.phone().activate(setup.qrText), { status: 403, code: 'activation_failed' });
  });

  // Attack: guessing the activation code online.
  it('burns the activation after 5 attempts: the right code no longer works', async () => {
    for (let i = 0; i < 5; i++) {
      await assert.rejects(h.phone().activate({ code: wrongCode(), url: setup.url }), { status: 403, code: 'activation_failed' });
    }
    await assert.rejects(h.phone().activate(setup.qrText), { status: 403, code: 'activation_failed' });
    assert.ok(h.events.filter((e) => e.type === 'push.activation_failed').length >= 6);
  });

  // Attack: guessing activation codes of many users from one address.
  it('limits activation attempts per IP address (429 with Retry-After)', async () => {
    const bogus = setup.url.replace(/activate\/.*$/, 'activate/');
    for (let i = 0; i < 20; i++) {
      await assert.rejects(h.phone().activate({ code: '123456789012', url: `${bogus}${String(i).padStart(22, 'x')}` }), { code: 'activation_failed' });
    }
    await assert.rejects(h.phone().activate(setup.qrText), { status: 429, code: 'rate_limited' });
  });

  it('refuses an expired activation code (default 10 minutes)', async () => {
    h.clock.advance(10 * 60_000);
    await assert.rejects(h.phone().activate(setup.qrText), { status: 403, code: 'activation_failed' });
  });

  // Attack: registering a public key the caller does not hold the private key for.
  it('requires proof of possession: the activation must be signed by the key it registers', async () => {
    const other = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const victimKey = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const jwk = await crypto.subtle.exportKey('jwk', victimKey.publicKey);
    const path = new URL(setup.url).pathname;
    const account = { privateKey: other.privateKey } as AuthenticatorAccount;
    const body = { code: setup.code.replace(/ /g, ''), publicKey: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y } };
    const res = await sendRaw(h.origin, account, { method: 'POST', path, body, deviceId: null, timestamp: h.clock.now() });
    assert.deepEqual([res.status, res.body.error], [401, 'unauthorized']);
    const withPrivate = await sendRaw(h.origin, account, { method: 'POST', path, body: { ...body, publicKey: { ...body.publicKey, d: 'secret' } }, deviceId: null, timestamp: h.clock.now() });
    assert.deepEqual([withPrivate.status, withPrivate.body.error], [400, 'invalid_request'], 'a private JWK is refused');
    await h.phone().activate(setup.qrText);
  });
});
