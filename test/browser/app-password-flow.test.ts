import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { DEMO_USER } from '../../example-app/app.js';
import { chromiumSkipReason } from '../support/browser.js';
import type { BrowserSession } from '../support/browser.js';
import { assertFitsCard, passRecoveryCodes, screenshotOnPhone, setUpOneTimePassword, startBrowserHarness } from '../support/browser-steps.js';
import type { BrowserHarness } from '../support/browser-steps.js';
import { basic } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const APP_NAME = 'Outlook on my laptop';
const APP_PASSWORD = /^[2-9a-km-np-z]{4}(-[2-9a-km-np-z]{4}){6}$/;

/** False when the field scrolls its text, i.e. part of the value is cut off (someone may type it in by hand). */
function wholeValueVisible(field: Locator): Promise<boolean> {
  return field.evaluate((input: HTMLInputElement) => input.scrollWidth <= input.clientWidth);
}

describe('app passwords in a real browser (Chromium)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;
  let h: Harness;
  let base: string;
  let browser: BrowserSession;
  let page: Page;
  let password: string;

  /** GET /api/mail as a mail client would: from outside the browser, with HTTP Basic only. */
  const mail = (secret: string) => fetch(`${base}/api/mail`, { headers: { authorization: basic(DEMO_USER.username, secret) } });

  before(async () => {
    t = await startBrowserHarness();
    ({ h, base, browser, page } = t);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  });
  after(() => t?.stop());

  it('reaches the app-passwords step after the mobile app and a skipped backup phone', async () => {
    await setUpOneTimePassword(page, base, h.codeFor);
    await passRecoveryCodes(page);
    await page.getByRole('heading', { name: 'Add a backup phone' }).waitFor();
    await page.getByRole('button', { name: 'Skip' }).click();

    assert.equal(new URL(page.url()).pathname, '/mfa/setup/app-passwords');
    await page.getByText("Last, set up app passwords for apps that can't ask for a second step.").waitFor();
    await browser.screenshot('apppw-01-step');
    await assertFitsCard(page, 'apppw-01-step');
    await screenshotOnPhone(browser, 'apppw-01-step-390px');
  });

  it('shows the new password once, read-only, and Copy puts it on the clipboard', async () => {
    await page.getByLabel('Name').fill(APP_NAME);
    await page.getByRole('button', { name: 'Create app password' }).click();
    const field = page.getByLabel('App password', { exact: true });
    password = await field.inputValue();
    assert.match(password, APP_PASSWORD);
    assert.equal(await field.evaluate((input: HTMLInputElement) => input.readOnly), true, 'the password field is read-only');
    await page.getByText(`"${APP_NAME}"`).waitFor();
    await browser.screenshot('apppw-02-created');
    await assertFitsCard(page, 'apppw-02-created');
    assert.ok(await wholeValueVisible(field), 'the whole password shows in its field on a laptop');
    await screenshotOnPhone(browser, 'apppw-02-created-390px', async () => {
      assert.ok(await wholeValueVisible(field), 'the whole password shows in its field on a phone');
    });

    await page.getByRole('button', { name: 'Copy' }).click();
    // 127.0.0.1 is a secure context and the context holds clipboard-read/-write for it, so headless
    // Chromium's async clipboard works: read back what the page's copy script really wrote.
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), password);
    await browser.screenshot('apppw-03-copied');

    // Continue, not a second Done: the closing summary after it has the one Done.
    await page.getByRole('link', { name: 'Continue' }).click();
    await page.getByText('Verification successful.').waitFor();
    await page.getByRole('listitem').filter({ hasText: 'App passwords' }).getByText(`1 app password: “${APP_NAME}”`).waitFor();
    await page.getByRole('link', { name: 'Done' }).click();
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
  });

  // Attack: signing in over Basic with the account password alone, skipping the second factor (CVE-2021-39890 class).
  it('lets a mail client in with the app password, and never with the account password', async () => {
    const ok = await mail(password);
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(((await ok.json()) as { user: string }).user, DEMO_USER.username);

    const refused = await mail(DEMO_USER.password);
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /^Basic /);
  });

  // Attack: reading a shown password back later from the browser history (back button, reload, shared computer).
  it('does not show the password again on going back to its page or reloading it', async () => {
    await page.goBack(); // the "Verification successful." page
    const before = browser.problems.length;
    // The page answered a POST with Cache-Control: no-store, so Chromium kept no copy to show:
    // it offers to resubmit the form instead (ERR_CACHE_MISS), which is what a person sees too.
    await assert.rejects(page.goBack(), /ERR_CACHE_MISS/);
    // Chromium's own page, once it has drawn it; the bundled headless shell draws no such page.
    if (browser.build.kind === 'debian') await page.getByText('Confirm Form Resubmission').waitFor();
    else await page.waitForURL(/^chrome-error:/);
    assert.equal((await page.content()).includes(password), false, 'the history shows it again');
    assert.deepEqual(browser.problems.splice(before), [`request failed: ${base}/mfa/setup/app-passwords net::ERR_CACHE_MISS`]);
    await browser.screenshot('apppw-04-back');

    // "Reload" there posts the form again: the server creates nothing and shows the empty form.
    const resubmitted = page.waitForRequest((req) => req.method() === 'POST' && req.url() === `${base}/mfa/setup/app-passwords`);
    await page.reload();
    await resubmitted;
    await page.getByRole('button', { name: 'Create app password' }).waitFor();
    assert.equal((await page.content()).includes(password), false, `shown again at ${page.url()}`);
    assert.equal(await page.getByLabel('Name').inputValue(), '');
    await browser.screenshot('apppw-05-reloaded');
  });

  // Attack: a stolen app password used after its owner revoked it.
  it('lists the app password under Security info, and Revoke shuts its app out', async () => {
    await page.goto(`${base}/mfa/manage`);
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: APP_NAME });
    await row.waitFor();
    assert.equal(await row.count(), 1, 'the resubmitted form created no second one');
    assert.equal((await page.content()).includes(password), false, 'Security info never shows the password');
    await browser.screenshot('apppw-06-security-info');
    await assertFitsCard(page, 'apppw-06-security-info');
    await screenshotOnPhone(browser, 'apppw-06-security-info-390px');

    await row.getByRole('link', { name: 'Revoke' }).click();
    await page.getByRole('heading', { name: `Revoke “${APP_NAME}”?` }).waitFor();
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    await page.getByRole('status').filter({ hasText: `App password “${APP_NAME}” was revoked.` }).waitFor();
    assert.equal(await page.getByRole('row').filter({ hasText: APP_NAME }).count(), 0);
    await page.getByText('You have no app passwords.').waitFor();
    await browser.screenshot('apppw-07-revoked');
    await assertFitsCard(page, 'apppw-07-revoked');

    const res = await mail(password);
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic /);
  });

  it('ran every page without console errors, CSP violations or failed loads', () => {
    assert.deepEqual(browser.problems, []);
  });
});
