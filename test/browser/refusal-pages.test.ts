import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { chromiumSkipReason } from '../support/browser.js';
import { lookAt, signIn, startBrowserHarness } from '../support/browser-steps.js';
import type { BrowserHarness } from '../support/browser-steps.js';

describe('pages that refuse: too many sign-in attempts, an address the app is not set up for (Chromium)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });
  after(async () => t?.stop());

  it('/login says "Too many sign-in attempts" once the username has none left (429)', async () => {
    t = await startBrowserHarness({ loginLimit: { perUsername: 1, perIp: 1000 } });
    const { page, base } = t;
    await page.goto(`${base}/login`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('not her password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Your username or password is incorrect.' }).waitFor();
    await signIn(page);
    await page.getByRole('alert').filter({ hasText: 'Too many sign-in attempts. Try again later.' }).waitFor();
    assert.equal(await page.getByLabel('Username').inputValue(), '', 'nothing typed is echoed back');
    await lookAt(t.browser, 'login-429-too-many-attempts');
    assert.deepEqual(t.browser.problems, []);
  });

  // Attack: a page reached through a hostile name (Host header) must not offer an activation URL.
  it('Notification setup at an address outside push.allowedOrigins answers 400 with a way back', async () => {
    t = await startBrowserHarness({ mfaOptions: { push: { allowedOrigins: ['https://mfa.contoso.example'] } } });
    const { page, base } = t;
    await page.goto(`${base}/`);
    await signIn(page);
    await page.getByRole('radio', { name: 'Notification' }).check();
    const response = page.waitForResponse((r) => r.url() === `${base}/mfa/setup/push`);
    await page.getByRole('button', { name: 'Set up' }).click();
    assert.equal((await response).status(), 400);
    await page.getByText('This page was requested at an address this app is not set up for.').waitFor();
    assert.equal(await page.getByAltText('QR code').count(), 0);
    assert.doesNotMatch(await page.content(), /device\/activate/);
    await lookAt(t.browser, 'push-setup-400-untrusted-host');
  });
});
