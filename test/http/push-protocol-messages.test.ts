import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import type { AuthenticatorClient } from '../../src/authenticator/client.js';
import { answerBody, sendRaw } from '../support/device-signer.js';
import type { RawRequest } from '../support/device-signer.js';
import { assertConforms } from '../support/published-schemas.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';

const CHALLENGES = '/mfa/device/challenges';

describe('device API messages as docs/push-protocol.md specifies them', () => {
  let h: PushHarness;
  let alice: { phone: AuthenticatorClient; account: AuthenticatorAccount };

  before(async () => {
    h = await startPushHarness();
    alice = await h.enrolledPushUser();
  });
  after(async () => h.stop());

  /** A signed request from alice's phone; every answer must be a message the published schemas allow. */
  async function send(r: Omit<RawRequest, 'timestamp'> & { timestamp?: number }) {
    const res = await sendRaw(h.origin, alice.account, { timestamp: h.clock.now(), ...r });
    if (res.status >= 400) assertConforms('error-response', res.body, `${r.method} ${r.path} → ${res.status}`);
    return res;
  }

  /** A new sign-in notification for alice: its id, path and the number the browser shows. */
  async function challenge(): Promise<{ challengeId: string; path: string; number: string }> {
    h.clock.advance(3 * 60_000);
    const b = await h.signInToVerify();
    await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
    const number = await h.shownNumber(b, '/mfa/verify/push');
    const list = await send({ method: 'GET', path: `${CHALLENGES}?wait=0` });
    assertConforms('challenges-response', list.body);
    const challengeId = (list.body.challenges as Array<{ id: string }>)[0]!.id;
    return { challengeId, path: `${CHALLENGES}/${challengeId}/answer`, number };
  }

  it('activates, lists and answers with messages valid under the published schemas', async () => {
    const a = h.browser();
    await h.signup(a, 'schema-user');
    const { qrText } = await h.beginPushSetup(a);
    const phone = h.phone();
    const before = h.sent.length;
    await phone.activate(qrText, 'Schema phone');
    const activation = h.sent[before]!;
    assert.equal(activation.init.headers['x-mfa-version'], '1', 'the client library names the version it speaks');
    assertConforms('activation-request', JSON.parse(String(activation.init.body)));
    const response = await fetch(activation.url, activation.init);
    assert.equal(response.status, 401, 'the activation request cannot be replayed');

    const { challengeId, path, number } = await challenge();
    const body = await answerBody(alice.account, { challengeId, decision: 'approve', number, timestamp: h.clock.now() });
    assertConforms('answer-request', body);
    const res = await send({ method: 'POST', path, body });
    assert.equal(res.status, 200);
    assertConforms('answer-response', res.body);
  });

  // Clients written before the version field (the 0.1.0 client library and authenticator page) keep working.
  it('accepts requests, bodies and answers without a version as version 1', async () => {
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const { x, y } = await crypto.subtle.exportKey('jwk', keys.publicKey);
    const a = h.browser();
    await h.signup(a, 'legacy-user');
    const { code, url } = await h.beginPushSetup(a);
    const legacy = { deviceId: '', privateKey: keys.privateKey } as AuthenticatorAccount;
    const activated = await sendRaw(h.origin, legacy, {
      method: 'POST', path: new URL(url).pathname, deviceId: null, version: null, timestamp: h.clock.now(),
      body: { code: code.replace(/ /g, ''), publicKey: { kty: 'EC', crv: 'P-256', x, y }, deviceName: 'Old phone' },
    });
    assert.equal(activated.status, 201, JSON.stringify(activated.body));
    assertConforms('activation-response', activated.body);
    const account = { ...legacy, deviceId: activated.body.deviceId as string };

    await h.post(a, '/mfa/setup/push/contact', {}, '/mfa/setup/push');
    const number = await h.shownNumber(a, '/mfa/setup/push/wait');
    const list = await sendRaw(h.origin, account, { method: 'GET', path: `${CHALLENGES}?wait=0`, version: null, timestamp: h.clock.now() });
    const challengeId = (list.body.challenges as Array<{ id: string }>)[0]!.id;
    const body = await answerBody(account, { challengeId, decision: 'approve', number, version: null, timestamp: h.clock.now() });
    const answered = await sendRaw(h.origin, account, { method: 'POST', path: `${CHALLENGES}/${challengeId}/answer`, body, version: null, timestamp: h.clock.now() });
    assert.deepEqual([answered.status, answered.body], [200, { v: 1, status: 'approved' }]);
  });

  it('refuses other versions in the header, a body or an answer with 400 unsupported_version', async () => {
    const header = await send({ method: 'GET', path: `${CHALLENGES}?wait=0`, version: 2 });
    assert.deepEqual([header.status, header.body.error, header.body.supportedVersions], [400, 'unsupported_version', [1]]);
    const first = await send({ method: 'POST', path: '/mfa/device/activate/AAAAAAAAAAAAAAAAAAAAAA', deviceId: null, version: 2, body: { shape: 'of version 2' } });
    assert.deepEqual([first.status, first.body.error], [400, 'unsupported_version'], 'the version is checked before anything else');
    const { challengeId, path, number } = await challenge();
    const body = { ...(await answerBody(alice.account, { challengeId, decision: 'approve', number, timestamp: h.clock.now() })), v: 2 };
    const inBody = await send({ method: 'POST', path, body });
    assert.deepEqual([inBody.status, inBody.body.error], [400, 'unsupported_version']);
    const inAnswer = await send({ method: 'POST', path, body: await answerBody(alice.account, { challengeId, decision: 'approve', number, version: 2, timestamp: h.clock.now() }) });
    assert.deepEqual([inAnswer.status, inAnswer.body.error], [400, 'unsupported_version']);
    assert.equal(await alice.phone.answer(alice.account, challengeId, 'approve', { number }), 'approved', 'nothing was answered');
  });

  it('takes number only as a string of digits; deny and fraud may leave it out', async () => {
    const first = await challenge();
    const asNumber = { ...(await answerBody(alice.account, { challengeId: first.challengeId, decision: 'approve', number: first.number, timestamp: h.clock.now() })) };
    asNumber.answer = { ...asNumber.answer, number: Number(first.number) };
    const res = await send({ method: 'POST', path: first.path, body: asNumber });
    assert.deepEqual([res.status, res.body.error], [400, 'invalid_answer']);
    assert.match(String(res.body.message), /answer\.number/);
    const missing = await send({ method: 'POST', path: first.path, body: await answerBody(alice.account, { challengeId: first.challengeId, decision: 'approve', timestamp: h.clock.now() }) });
    assert.deepEqual([missing.status, missing.body.error], [400, 'invalid_answer'], 'approve needs the number');
    const denied = await send({ method: 'POST', path: first.path, body: await answerBody(alice.account, { challengeId: first.challengeId, decision: 'deny', timestamp: h.clock.now() }) });
    assert.deepEqual([denied.status, denied.body], [200, { v: 1, status: 'denied' }], 'a deny without number');
  });

  it('treats "pin": null as no PIN, and takes an answer timestamp that differs from the header\'s', async () => {
    const { challengeId, path, number } = await challenge();
    const body = await answerBody(alice.account, { challengeId, decision: 'approve', number, pin: null, timestamp: h.clock.now() - 45_000 });
    const res = await send({ method: 'POST', path, body });
    assert.deepEqual([res.status, res.body], [200, { v: 1, status: 'approved' }]);
  });

  it('defines wait: absent answers at once, digits are seconds, anything else is refused', { timeout: 10_000 }, async () => {
    const absent = await send({ method: 'GET', path: CHALLENGES });
    assert.deepEqual([absent.status, absent.body], [200, { v: 1, challenges: [] }]);
    for (const wait of ['abc', '-1', '1.5', '٣', '12345', '1&wait=2']) {
      const res = await send({ method: 'GET', path: `${CHALLENGES}?wait=${encodeURIComponent(wait).replace('%26', '&').replace('%3D', '=')}` });
      assert.deepEqual([res.status, res.body.error], [400, 'invalid_request'], `wait=${wait}`);
    }
  });

  it('answers bodies that are not JSON objects, oversized bodies and unknown paths with JSON errors', async () => {
    const headers = { 'content-type': 'application/json', accept: 'application/json' };
    const cases: Array<[string, RequestInit, number, string]> = [
      [`${CHALLENGES}/x/answer`, { method: 'POST', headers, body: '{"answer":' }, 400, 'invalid_request'],
      [`${CHALLENGES}/x/answer`, { method: 'POST', headers, body: '"text"' }, 400, 'invalid_request'],
      [`${CHALLENGES}/x/answer`, { method: 'POST', headers, body: JSON.stringify({ pad: 'x'.repeat(20_000) }) }, 413, 'body_too_large'],
      ['/mfa/device/nothing-here', { method: 'POST', headers, body: '{}' }, 404, 'not_found'],
      ['/mfa/device/nothing-here', { method: 'GET' }, 404, 'not_found'],
    ];
    for (const [path, init, status, error] of cases) {
      const res = await fetch(h.origin + path, init);
      const body = await res.json();
      assert.deepEqual([res.status, body.error], [status, error], `${init.method} ${path} ${String(init.body).slice(0, 20)}`);
      assertConforms('error-response', body);
    }
    const activation = await send({ method: 'POST', path: '/mfa/device/activate/AAAAAAAAAAAAAAAAAAAAAA', deviceId: null, body: null, sendBody: null });
    assert.deepEqual([activation.status, activation.body.error], [400, 'invalid_request'], 'an activation without a JSON body');
    assert.match(String(activation.body.message), /Content-Type: application\/json/);
  });
});
