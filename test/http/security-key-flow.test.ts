import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { beginTotpSetup, csrfOf, postForm, submitCode } from '../support/mfa-flow.js';
import {
  assertionFor,
  ceremonyOptions,
  chooseSecurityKey,
  halfSignedInAs,
  KEY_ORIGIN,
  newUser,
  postAssertion,
  registerWith,
  userWithKey,
} from '../support/security-key.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';
import { storeWith } from '../support/store-with.js';

describe('security keys over HTTP', () => {
  let h: Harness;
  const credentials = () => storeWith(h.store, ['credentials']).credentials;
  before(async () => {
    h = await startHarness({ origin: KEY_ORIGIN });
  });
  after(() => h.stop());

  it('is offered on the setup page and registers a key with its name from the wizard', async () => {
    const { agent: a, userId } = await newUser(h);
    const choose = await a.get('/mfa/setup');
    assert.match(choose.text, /<option value="security_key">Security key<\/option>/);
    const chosen = await chooseSecurityKey(a);
    assert.equal(chosen.status, 303);
    assert.equal(chosen.headers.location, '/mfa/setup/security-key');
    const page = await a.get('/mfa/setup/security-key');
    assert.equal(page.status, 200);
    assert.match(page.text, /<label for="mfa-key-name">Name<\/label>/);
    assert.match(page.text, />Register security key<\/button>/);
    assert.match(page.text, /src="\/mfa\/assets\/security_key\/simplewebauthn-browser\.js"/);
    assert.doesNotMatch(page.text, /<script>/, 'no inline script');
    const library = await a.get('/mfa/assets/security_key/simplewebauthn-browser.js');
    assert.equal(library.status, 200);
    assert.match(String(library.headers['content-type']), /javascript/);
    assert.equal(library.headers['x-content-type-options'], 'nosniff');
    assert.match(library.text, /SimpleWebAuthnBrowser/, 'the installed @simplewebauthn/browser bundle');

    const options = await ceremonyOptions(a, '/mfa/setup/security-key/options', '/mfa/setup/security-key');
    assert.equal(options.status, 200);
    assert.equal((options.body.rp as { id: string }).id, 'localhost');
    assert.equal((options.body.authenticatorSelection as { userVerification: string }).userVerification, 'preferred');

    const key = new SoftAuthenticator();
    const res = await postForm(a, '/mfa/setup/security-key', { name: '  YubiKey 5C  ', response: key.register({ challenge: options.challenge, origin: KEY_ORIGIN, rpId: 'localhost' }) });
    assert.equal(res.status, 303, res.text.slice(0, 300));
    const factors = (await h.store.core.listFactors(userId)).filter((f) => f.type === 'security_key');
    assert.equal(factors.length, 1);
    assert.notEqual(factors[0]!.confirmedAt, null);
    const [credential] = await credentials().list(userId);
    assert.equal(credential!.id, factors[0]!.id, "the credential is the factor's");
    assert.equal(credential!.credentialId, key.credentialId);
    assert.equal(credential!.name, 'YubiKey 5C', 'the name is trimmed');
    assert.ok(h.events.some((e) => e.type === 'factor.enrolled' && (e as { method?: string }).method === 'security_key'));
    assert.equal((await a.get('/').redirects(0)).status, 200, 'registering the first key completes the second step');
  });

  it('offers "Use security key" first on the verify page and signs in with it', async () => {
    const user = await newUser(h);
    const secret = await beginTotpSetup(user.agent);
    assert.equal((await submitCode(user.agent, '/mfa/setup/totp', h.codeFor(secret))).status, 303);
    const key = new SoftAuthenticator();
    assert.equal((await chooseSecurityKey(user.agent)).status, 303, 'a signed-in user adds a key');
    assert.equal((await registerWith(user.agent, key, 'Backup key')).status, 303);

    const a = await halfSignedInAs(h, user);
    const verify = await a.get('/mfa/verify');
    assert.match(verify.text, /<div class="mfa-main">[\s\S]*?class="mfa-button">Use security key<\/button>/, 'the security key is the main action');
    assert.match(verify.text, /href="\/mfa\/verify\?use=totp">Use a verification code</, 'the code is one of the other ways');
    const res = await postAssertion(a, await assertionFor(a, key));
    assert.equal(res.status, 303, res.text.slice(0, 300));
    assert.equal(res.headers.location, '/');
    assert.equal((await a.get('/').redirects(0)).status, 200, 'both steps are done');

    const credential = (await credentials().list(user.userId)).find((c) => c.credentialId === key.credentialId)!;
    assert.equal(credential.counter, 1, 'the counter is stored');
    assert.equal(credential.lastUsedAt, h.clock.now());
    assert.equal((await h.store.core.getFactor(credential.id))!.lastUsedAt, h.clock.now(), 'Security info shows the last use');
  });

  it('lists each key by its name on Security info, renames it and deletes it', async () => {
    const first = new SoftAuthenticator();
    const second = new SoftAuthenticator();
    const user = await userWithKey(h, first, 'Keyring');
    const a = user.agent;
    await chooseSecurityKey(a);
    assert.equal((await registerWith(a, second, 'Desk drawer')).status, 303);
    const signIn = await halfSignedInAs(h, user);
    const options = await ceremonyOptions(signIn, '/mfa/verify/security-key/options', '/mfa/verify');
    assert.deepEqual((options.body.allowCredentials as { id: string }[]).map((c) => c.id).sort(), [first.credentialId, second.credentialId].sort(), 'allowCredentials lists both keys');
    assert.equal(options.body.userVerification, 'preferred');
    const manage = await a.get('/mfa/manage');
    assert.match(manage.text, /<span class="mfa-factor-name">Keyring<\/span>( <span class="mfa-badge">Default<\/span>)? <span class="mfa-factor-method">Security key<\/span>/);
    assert.match(manage.text, /<span class="mfa-factor-name">Desk drawer<\/span>( <span class="mfa-badge">Default<\/span>)? <span class="mfa-factor-method">Security key<\/span>/);
    const id = (await credentials().list(user.userId)).find((c) => c.name === 'Keyring')!.id;
    const renamePath = `/mfa/manage/security-keys/${encodeURIComponent(id)}/rename`;
    assert.ok(manage.text.includes(`href="${renamePath}">Rename<`), 'each key has Rename');

    const form = await a.get(renamePath);
    assert.equal(form.status, 200);
    assert.match(form.text, /value="Keyring"/);
    const bad = await postForm(a, renamePath, { name: ' ' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Give the security key a name/);
    const renamed = await postForm(a, renamePath, { name: 'Yellow key' });
    assert.equal(renamed.status, 303);
    assert.equal((await credentials().list(user.userId)).find((c) => c.id === id)!.name, 'Yellow key');

    const token = await csrfOf(a, '/mfa/manage');
    const deleted = await a.post(`/mfa/manage/factors/${encodeURIComponent(id)}/delete`).type('form').send({ _csrf: token }).redirects(0);
    assert.equal(deleted.status, 303);
    assert.equal((await credentials().list(user.userId)).some((c) => c.id === id), false, 'its credential goes with it');
    assert.match((await a.get('/mfa/manage')).text, /Security key \(Yellow key\) was deleted\./, 'the notice names the key, as the page that asked did');

    const res = await postAssertion(signIn, await assertionFor(signIn, first));
    assert.equal(res.status, 401, 'a deleted key no longer signs in');
    assert.match(res.text, /not registered to your account/);
    const other = await postAssertion(signIn, await assertionFor(signIn, second));
    assert.equal(other.status, 303, 'the other key still does');
  });

  it('says what to do when the browser sent no answer, without counting it as a guess', async () => {
    const user = await userWithKey(h, new SoftAuthenticator());
    const a = await halfSignedInAs(h, user);
    const res = await postAssertion(a, '');
    assert.equal(res.status, 400);
    assert.match(res.text, /did not send an answer from a security key/);
    assert.equal((await h.store.core.getLockout(user.userId)).failures, 0);
  });

  it('answers the options request with 404 JSON for a user without keys', async () => {
    const user = await newUser(h);
    const secret = await beginTotpSetup(user.agent);
    await submitCode(user.agent, '/mfa/setup/totp', h.codeFor(secret));
    const a = await halfSignedInAs(h, user);
    const res = await ceremonyOptions(a, '/mfa/verify/security-key/options', '/mfa/verify');
    assert.equal(res.status, 404);
    assert.equal(res.body.error, 'not_found');
    assert.doesNotMatch((await a.get('/mfa/verify')).text, /Use security key/, 'nor is the key offered');
  });

  it('registers a key again whose earlier registration was left without a confirmed factor', async () => {
    const key = new SoftAuthenticator();
    const user = await newUser(h);
    // What a setup that expired between storing the credential and confirming its factor leaves.
    await credentials().create({
      id: 'factor-that-never-was', userId: user.userId, credentialId: key.credentialId, publicKey: new Uint8Array(8),
      counter: 0, transports: [], name: 'Abandoned', createdAt: h.clock.now(), lastUsedAt: null,
    });
    await chooseSecurityKey(user.agent);
    const res = await registerWith(user.agent, key, 'Second try');
    assert.equal(res.status, 303, res.text.slice(0, 300));
    const [credential] = await credentials().list(user.userId);
    assert.equal(credential!.name, 'Second try');
    assert.notEqual(credential!.id, 'factor-that-never-was');
  });

  it('stops at webauthn.maxPerUser keys with a message saying what to do', async () => {
    const limited = await startHarness({ origin: KEY_ORIGIN, mfaOptions: { webauthn: { rpId: 'localhost', origin: KEY_ORIGIN, maxPerUser: 1 } } });
    try {
      const user = await userWithKey(limited, new SoftAuthenticator());
      const again = await chooseSecurityKey(user.agent);
      assert.equal(again.status, 409);
      assert.match(again.text, /You already have the most security keys allowed \(1\)\. Delete one you no longer use/);
      assert.equal((await limited.store.core.listFactors(user.userId)).length, 1, 'no second factor was started');
    } finally {
      await limited.stop();
    }
  });
});
