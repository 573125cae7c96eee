import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_USER } from '../../example-app/app.js';
import { chromiumSkipReason } from '../support/browser.js';
import type { BrowserSession } from '../support/browser.js';
import { lookAt, pageContent, passRecoveryCodes, passwordAgain, signIn, startBrowserHarness } from '../support/browser-steps.js';
import type { BrowserHarness } from '../support/browser-steps.js';
import type { Harness } from '../support/harness.js';
import { listenOnLocalhost } from '../support/local-server.js';
import { ceremonyOptions, userWithKey } from '../support/security-key.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';
import { storeWith } from '../support/store-with.js';
import { VirtualAuthenticator } from '../support/virtual-authenticator.js';

/** The demo user's one registered credential, as the store holds it. */
async function demoCredential(h: Harness) {
  const [credential] = await storeWith(h.store, ['credentials']).credentials.list(await h.userId());
  assert.ok(credential);
  return credential;
}

/** Answers the page's next request for ceremony options with `edit` applied to the server's options. */
async function editNextOptions(page: Page, edit: (options: Record<string, unknown>) => void): Promise<void> {
  await page.route('**/verify/security-key/options', async (route) => {
    const response = await route.fetch();
    const options = (await response.json()) as Record<string, unknown>;
    edit(options);
    await route.fulfill({ response, json: options });
  }, { times: 1 });
}

describe('security keys in a real browser (Chromium, DevTools virtual authenticator)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;
  let h: Harness;
  let base: string;
  let browser: BrowserSession;
  let page: Page;
  let key: VirtualAuthenticator;
  const lastFailure = () => h.events.filter((e) => e.type === 'second_factor.failed').at(-1)?.reason;

  before(async () => {
    t = await startBrowserHarness({}, { securityKeys: true });
    ({ h, base, browser, page } = t);
    key = await VirtualAuthenticator.attach(page);
  });
  after(() => t?.stop());

  it('registers a security key from the setup wizard', async () => {
    await page.goto(`${base}/`);
    await signIn(page);
    await page.getByLabel('How should we contact you?').selectOption({ label: 'Security key' });
    await lookAt(browser, 'key-01-setup-method');
    await page.getByRole('button', { name: 'Set up' }).click();
    await page.getByRole('heading', { name: 'Register security key' }).waitFor();
    await lookAt(browser, 'key-02-register');

    await page.getByLabel('Name').fill('YubiKey on my keyring');
    await page.getByRole('button', { name: 'Register security key' }).click();
    // Confirmed on the next step of the wizard, then listed with its name in the closing summary.
    await page.getByRole('status').filter({ hasText: 'Security key verified. Your security key is registered.' }).waitFor();
    await passRecoveryCodes(page);
    await page.getByRole('button', { name: 'Skip' }).click();
    await page.getByRole('link', { name: 'Skip' }).click();
    await page.getByText('Verification successful.').waitFor();
    await page.getByRole('listitem').filter({ hasText: 'Security key' }).getByText('YubiKey on my keyring').waitFor();
    await page.getByRole('link', { name: 'Done' }).click();
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();

    const [held] = await key.credentials();
    const stored = await demoCredential(h);
    assert.equal(Buffer.from(held!.credentialId, 'base64').toString('base64url'), stored.credentialId, 'the key holds the registered credential');
    assert.equal(stored.name, 'YubiKey on my keyring');
    assert.equal(stored.counter, held!.signCount);
    assert.deepEqual(browser.problems, [], 'no CSP violation, script error or failed request');
  });

  it('signs in with "Use security key", offered first', async () => {
    await passwordAgain(page, base);
    await lookAt(browser, 'key-03-verify');
    const first = pageContent(page).locator('button').first();
    assert.equal(await first.innerText(), 'Use security key');
    await page.getByRole('button', { name: 'Use security key' }).click();
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
    assert.equal((await demoCredential(h)).counter, (await key.credentials())[0]!.signCount, 'the new counter is stored');
  });

  it('shows the key by its name on Security info, with Rename', async () => {
    await page.goto(`${base}/mfa/manage`);
    await page.getByText('YubiKey on my keyring').waitFor();
    await lookAt(browser, 'key-04-security-info');
    await page.getByRole('link', { name: 'Rename' }).click();
    await page.getByRole('heading', { name: 'Rename security key' }).waitFor();
    await lookAt(browser, 'key-05-rename');
    await page.getByLabel('Name', { exact: true }).fill('Yellow key');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Yellow key').waitFor();
    assert.equal((await demoCredential(h)).name, 'Yellow key');
  });

  // Attack: the browser is made to answer the challenge another user's sign-in was given.
  it("refuses a response for another user's challenge", async () => {
    const bob = await userWithKey(h, new SoftAuthenticator(), 'Bob key', base);
    const bobSignIn = h.agent();
    await h.login(bobSignIn, bob.username, bob.password);
    const bobs = await ceremonyOptions(bobSignIn, '/mfa/verify/security-key/options', '/mfa/verify');
    await passwordAgain(page, base);
    await editNextOptions(page, (options) => {
      options.challenge = bobs.challenge;
    });
    await page.getByRole('button', { name: 'Use security key' }).click();
    await page.getByRole('alert').filter({ hasText: 'could not be verified' }).waitFor();
    assert.equal(lastFailure(), 'invalid_response');
    await lookAt(browser, 'key-06-verify-refused');
    assert.equal((await page.request.get(`${base}/`, { maxRedirects: 0 })).status(), 303, 'still not signed in');
  });

  // Attack: a look-alike origin relays the sign-in page; the browser signs for the origin it is on.
  it('refuses a response made on another origin', async () => {
    const relay = await listenOnLocalhost(h.app);
    try {
      const relayOrigin = relay.base.replace('127.0.0.1', 'localhost');
      await page.context().clearCookies();
      await page.goto(`${relayOrigin}/`);
      await signIn(page);
      await page.waitForLoadState('load');
      await page.getByRole('button', { name: 'Use security key' }).click();
      await page.getByRole('alert').filter({ hasText: 'could not be verified' }).waitFor();
      assert.equal(lastFailure(), 'invalid_response');
    } finally {
      await relay.close();
    }
  });

  // Attack: an assertion captured on its way to the server, sent again in a later sign-in.
  it('refuses a replayed assertion', async () => {
    await passwordAgain(page, base);
    const captured = page.waitForRequest((req) => req.method() === 'POST' && req.url() === `${base}/mfa/verify/security-key`);
    await page.getByRole('button', { name: 'Use security key' }).click();
    const assertion = new URLSearchParams((await captured).postData() ?? '').get('response');
    assert.ok(assertion, 'the page posted the key\'s answer');
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();

    await passwordAgain(page, base);
    const token = await page.locator('input[name="_csrf"]').first().inputValue();
    // This sign-in has a challenge of its own, as when its page asked for one.
    const options = await page.request.post(`${base}/mfa/verify/security-key/options`, { form: { _csrf: token }, headers: { Accept: 'application/json' } });
    assert.equal(options.status(), 200);
    const replay = await page.request.post(`${base}/mfa/verify/security-key`, { form: { _csrf: token, response: assertion }, maxRedirects: 0 });
    assert.equal(replay.status(), 401);
    assert.equal(lastFailure(), 'invalid_response');
    assert.equal((await page.request.get(`${base}/`, { maxRedirects: 0 })).status(), 303, 'the replay signed nobody in');
  });

  // Attack: a cloned key; its signature counter is behind the one the server saw last.
  it('refuses a key whose signature counter went backwards', async () => {
    const [credential] = await key.credentials();
    await key.setSignCount(credential!, 0);
    await passwordAgain(page, base);
    await page.getByRole('button', { name: 'Use security key' }).click();
    await page.getByRole('alert').filter({ hasText: 'may have been copied' }).waitFor();
    assert.equal(lastFailure(), 'counter_regressed');
    await key.setSignCount(credential!, (await demoCredential(h)).counter + 5);
    await page.getByRole('button', { name: 'Use security key' }).click();
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
  });
});

describe('security keys when user verification is required (Chromium)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;

  before(async () => {
    t = await startBrowserHarness((origin) => ({ mfaOptions: { webauthn: { rpId: 'localhost', origin, userVerification: 'required' } } }), { securityKeys: true });
  });
  after(() => t?.stop());

  // Attack: a client that skips user verification (no PIN, no fingerprint) where the site requires it.
  it('refuses an answer without user verification', async () => {
    const { h, base, page } = t;
    await VirtualAuthenticator.attach(page);
    await page.goto(`${base}/`);
    await signIn(page);
    await page.getByLabel('How should we contact you?').selectOption({ label: 'Security key' });
    await page.getByRole('button', { name: 'Set up' }).click();
    await page.getByLabel('Name').fill('Key with a PIN');
    await page.waitForLoadState('load');
    await page.getByRole('button', { name: 'Register security key' }).click();
    await passRecoveryCodes(page);
    await page.getByRole('heading', { name: 'Add a backup phone' }).waitFor();

    await passwordAgain(page, base);
    // The page is told user verification is not needed, so the key skips it; the server still requires it.
    await editNextOptions(page, (options) => {
      options.userVerification = 'discouraged';
    });
    await page.getByRole('button', { name: 'Use security key' }).click();
    await page.getByRole('alert').filter({ hasText: 'did not check your PIN or fingerprint' }).waitFor();
    assert.equal(h.events.filter((e) => e.type === 'second_factor.failed').at(-1)?.reason, 'user_not_verified');
    await page.getByRole('button', { name: 'Use security key' }).click();
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
  });
});
