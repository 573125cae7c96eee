import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { ConfigurationError } from '../../../src/errors.js';
import { createMfa } from '../../../src/mfa.js';
import type { MfaOptions } from '../../../src/options.js';
import { MemoryStore } from '../../../src/stores/memory/memory-store.js';
import { SECRET_KEY, startHarness } from '../../support/harness.js';
import type { Agent, Harness } from '../../support/harness.js';
import { postForm } from '../../support/mfa-flow.js';

const jsQR = jsQRModule.default;

/** Logs alice in and starts Notification setup; returns her agent, which the setup page now expects. */
async function atPushSetup(h: Harness): Promise<Agent> {
  const a = h.agent();
  await h.login(a);
  const res = await postForm(a, '/mfa/setup', { contact: 'mobile_app', mode: 'notification' });
  assert.equal(res.headers.location, '/mfa/setup/push');
  return a;
}

/** The activation URL in the page's "URL" field and in its QR code, as a phone would read them. */
async function activationUrls(a: Agent, host: string): Promise<{ status: number; text: string; shown?: string; scanned?: string }> {
  const page = await a.get('/mfa/setup/push').set('Host', host);
  if (page.status !== 200) return { status: page.status, text: page.text };
  const qr = await a.get('/mfa/setup/push/qr.png').set('Host', host).buffer(true);
  assert.equal(qr.status, 200);
  const png = PNG.sync.read(qr.body as Buffer);
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(decoded, 'the QR code decodes');
  return { status: 200, text: page.text, shown: /aria-label="URL">([^<]+)</.exec(page.text)?.[1], scanned: new URL(decoded.data).searchParams.get('url') ?? undefined };
}

// Attack: a forged Host header (a link through a hostile proxy or DNS name, or a cache poisoned
// with it) puts the attacker's origin into the activation URL and QR code, so the phone sends its
// activation code and new key to the attacker.
describe('the activation URL does not come from the Host header', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  it('uses push.publicOrigin whatever the Host header says', async () => {
    h = await startHarness({ publicOrigin: 'https://mfa.contoso.example' });
    const a = await atPushSetup(h);
    const { shown, scanned, text } = await activationUrls(a, 'evil.example');
    assert.match(shown!, /^https:\/\/mfa\.contoso\.example\/mfa\/device\/activate\/[\w-]+$/);
    assert.equal(scanned, shown);
    assert.doesNotMatch(text, /evil\.example/);
  });

  it('without publicOrigin, refuses a Host outside push.allowedOrigins with 400 and shows no activation URL', async () => {
    h = await startHarness({ mfaOptions: { push: { allowedOrigins: ['http://app.contoso.example', 'http://www.contoso.example'] } } });
    const a = await atPushSetup(h);
    const forged = await activationUrls(a, 'evil.example');
    assert.equal(forged.status, 400);
    assert.match(forged.text, /requested at an address this app is not set up for/);
    assert.doesNotMatch(forged.text, /evil\.example|device\/activate/);
    assert.equal((await a.get('/mfa/setup/push/qr.png').set('Host', 'evil.example')).status, 400);
    for (const tricky of ['app.contoso.example@evil.example', 'evil.example#app.contoso.example', 'app.contoso.example.evil.example']) {
      assert.equal((await activationUrls(a, tricky)).status, 400, tricky);
    }
    const listed = await activationUrls(a, 'www.contoso.example');
    assert.match(listed.shown!, /^http:\/\/www\.contoso\.example\/mfa\/device\/activate\//);
    assert.equal(listed.scanned, listed.shown);
  });

  it('without either, allows only loopback origins (development)', async () => {
    h = await startHarness();
    const a = await atPushSetup(h);
    assert.equal((await activationUrls(a, 'evil.example')).status, 400);
    assert.equal((await activationUrls(a, 'localhost.evil.example')).status, 400);
    for (const host of ['localhost:3000', '127.0.0.1:8080', '[::1]:3000']) {
      assert.match((await activationUrls(a, host)).shown!, new RegExp(`^http://${host.replace(/[[\].]/g, '\\$&')}/mfa/device/activate/`), host);
    }
  });
});

describe('push.publicOrigin in production', () => {
  const base = (): MfaOptions => ({ issuer: 'Contoso', store: new MemoryStore({ warn: () => {} }), secretKey: SECRET_KEY });
  let saved: string | undefined;
  afterEach(() => {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  });

  it('is required at startup (NODE_ENV=production) unless allowedOrigins is set or push is off', () => {
    saved = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    assert.throws(() => createMfa(base()), (e: unknown) => e instanceof ConfigurationError && /push\.publicOrigin: is required in production \(NODE_ENV=production\)/.test(e.message));
    assert.doesNotThrow(() => createMfa({ ...base(), push: { publicOrigin: 'https://app.example' } }));
    assert.doesNotThrow(() => createMfa({ ...base(), push: { allowedOrigins: ['https://app.example'] } }));
    assert.doesNotThrow(() => createMfa({ ...base(), push: { enabled: false } }));
  });

  it('refuses origins with a path, credentials or no scheme', () => {
    for (const bad of ['https://app.example/', 'https://app.example/mfa', 'app.example', 'https://user@app.example', 'ftp://app.example']) {
      assert.throws(() => createMfa({ ...base(), push: { publicOrigin: bad } }), /push\.publicOrigin: must be an origin/, bad);
      assert.throws(() => createMfa({ ...base(), push: { allowedOrigins: [bad] } }), /push\.allowedOrigins\.0: must be an origin/, bad);
    }
    assert.throws(() => createMfa({ ...base(), push: { allowedOrigins: [] } }), /push\.allowedOrigins: must list at least one origin/);
  });
});
