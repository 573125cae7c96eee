import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { securityKeysAt } from '../../example-app/security-key-origin.js';
import { startExampleServer } from '../../example-app/start.js';
import type { ExampleServer } from '../../example-app/start.js';
import { freePort } from '../support/local-server.js';
import { postForm } from '../support/mfa-flow.js';
import type { Agent } from '../support/mfa-flow.js';
import { ceremonyOptions, chooseSecurityKey } from '../support/security-key.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

/** The sample app as `npm start` runs it with this environment, on a free port. */
async function sampleApp(env: Record<string, string>): Promise<{ server: ExampleServer; port: number; signedIn: Agent; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'passport-mfa-origin-'));
  const port = await freePort();
  const server = await startExampleServer({ PORT: String(port), DATA_DIR: dataDir, ...env }, { onEvent: () => {} });
  const signedIn = request.agent(`http://127.0.0.1:${port}`);
  assert.equal((await postForm(signedIn, '/login', { username: 'alice', password: 'correct horse battery staple' })).status, 303);
  return {
    server,
    port,
    signedIn,
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('the sample app binds security keys to where it is reached (PORT, MFA_ORIGIN)', () => {
  describe('with PORT alone', () => {
    let app: Awaited<ReturnType<typeof sampleApp>>;
    before(async () => {
      app = await sampleApp({});
    });
    after(() => app?.stop());

    it('offers security keys for http://localhost:$PORT and registers one made there', async () => {
      const origin = `http://localhost:${app.port}`;
      assert.equal(app.server.url, origin);
      assert.match((await app.signedIn.get('/mfa/setup')).text, /<option value="security_key">Security key<\/option>/);
      assert.equal((await chooseSecurityKey(app.signedIn)).status, 303);
      const options = await ceremonyOptions(app.signedIn, '/mfa/setup/security-key/options', '/mfa/setup/security-key');
      assert.deepEqual(options.body.rp, { name: 'Contoso', id: 'localhost' });
      const key = new SoftAuthenticator();
      // Attack: a key's answer made on another port of localhost (another app) is not this app's.
      const elsewhere = await postForm(app.signedIn, '/mfa/setup/security-key', {
        name: 'Other port', response: key.register({ challenge: options.challenge, origin: 'http://localhost:1', rpId: 'localhost' }),
      });
      assert.equal(elsewhere.status, 401);
      const again = await ceremonyOptions(app.signedIn, '/mfa/setup/security-key/options', '/mfa/setup/security-key');
      const res = await postForm(app.signedIn, '/mfa/setup/security-key', {
        name: 'Desk key', response: key.register({ challenge: again.challenge, origin, rpId: 'localhost' }),
      });
      assert.equal(res.status, 303, res.text.slice(0, 300));
    });
  });

  describe('with MFA_ORIGIN on https', () => {
    let app: Awaited<ReturnType<typeof sampleApp>>;
    before(async () => {
      app = await sampleApp({ MFA_ORIGIN: 'https://demo.example.com' });
    });
    after(() => app?.stop());

    it('takes the relying-party id from its host', async () => {
      assert.equal(app.server.url, 'https://demo.example.com');
      assert.equal((await chooseSecurityKey(app.signedIn)).status, 303);
      const options = await ceremonyOptions(app.signedIn, '/mfa/setup/security-key/options', '/mfa/setup/security-key');
      assert.equal((options.body.rp as { id: string }).id, 'demo.example.com');
    });
  });

  describe('with MFA_ORIGIN on an address browsers refuse keys on', () => {
    let app: Awaited<ReturnType<typeof sampleApp>>;
    before(async () => {
      // What someone trying push from a phone on the same network sets.
      app = await sampleApp({ MFA_ORIGIN: 'http://192.168.1.5:3000' });
    });
    after(() => app?.stop());

    it('starts without security keys and says why', async () => {
      assert.match(app.server.summary, /security keys are off: browsers do not offer them on an IP address/);
      const setup = await app.signedIn.get('/mfa/setup');
      assert.equal(setup.status, 200);
      assert.doesNotMatch(setup.text, /security_key/);
    });
  });
});

describe('securityKeysAt(origin)', () => {
  it('uses the host as rpId on https and on localhost', () => {
    assert.deepEqual(securityKeysAt('https://demo.example.com'), { webauthn: { rpId: 'demo.example.com', origin: 'https://demo.example.com' } });
    assert.deepEqual(securityKeysAt('http://localhost:3000'), { webauthn: { rpId: 'localhost', origin: 'http://localhost:3000' } });
    assert.deepEqual(securityKeysAt('http://app.localhost:8080'), { webauthn: { rpId: 'app.localhost', origin: 'http://app.localhost:8080' } });
  });

  it('turns keys off, saying why, on IP addresses and on plain http elsewhere', () => {
    for (const origin of ['http://127.0.0.1:3000', 'https://10.0.0.2', 'http://[::1]:3000']) {
      assert.match((securityKeysAt(origin) as { off: string }).off, /IP address/, origin);
    }
    assert.match((securityKeysAt('http://mybox.lan:3000') as { off: string }).off, /only on https or on localhost/);
  });

  it('passes a malformed origin on, for createMfa() to refuse by name', () => {
    assert.deepEqual(securityKeysAt('not a url'), { webauthn: { rpId: '', origin: 'not a url' } });
  });
});
