import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { chromiumSkipReason } from '../support/browser.js';
import type { BrowserSession } from '../support/browser.js';
import { enrollOneTimePassword, lookAt, startBrowserHarness } from '../support/browser-steps.js';
import type { BrowserHarness } from '../support/browser-steps.js';
import type { Harness } from '../support/harness.js';

const APP_NAME = 'Thunderbird at home';
const TOTP = 'Mobile app: one-time password (Authenticator app)';

describe('Security info asks before deleting or revoking (Chromium)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;
  let h: Harness;
  let base: string;
  let browser: BrowserSession;
  let page: Page;

  before(async () => {
    // The only method can be deleted only where the host allows it (test/browser/security-info-flow.test.ts shows the refusal).
    t = await startBrowserHarness({ mfaOptions: { allowRemovingLastMethod: true } });
    ({ h, base, browser, page } = t);
    await enrollOneTimePassword(page, base, h.codeFor);
    // The home page loads completely before the first test navigates away (an aborted stylesheet would count as a problem).
    await page.waitForURL(`${base}/`);
    await page.waitForLoadState('load');
  });
  after(() => t?.stop());

  it('Revoke shows what will stop working, Cancel keeps the app password, and Revoke says what was removed', async () => {
    await page.goto(`${base}/mfa/manage/app-passwords/new`);
    await page.getByLabel('Name').fill(APP_NAME);
    await page.getByRole('button', { name: 'Create app password' }).click();
    await page.getByRole('link', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();

    const row = () => page.getByRole('row').filter({ hasText: APP_NAME });
    await row().getByRole('link', { name: 'Revoke' }).click();
    await page.getByRole('heading', { name: `Revoke “${APP_NAME}”?` }).waitFor();
    await page.getByText(`Apps that sign in with “${APP_NAME}” will be refused from now on.`).waitFor();
    await lookAt(browser, 'removal-01-revoke-confirm');

    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    assert.equal(await row().count(), 1, 'Cancel revoked nothing');

    // Keyboard only: Tab to the row's Revoke link, Enter, then Enter on the focused button.
    await row().getByRole('link', { name: 'Revoke' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Revoke “${APP_NAME}”?` }).waitFor();
    await page.getByRole('button', { name: 'Revoke' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: `App password “${APP_NAME}” was revoked.` }).waitFor();
    assert.equal(await row().count(), 0);
    await lookAt(browser, 'removal-02-revoked');

    await page.reload();
    assert.equal(await page.getByRole('status').count(), 0, 'the message is shown once, not on every visit');
  });

  it('Delete on the only method says plainly that it is the only one, then names what was deleted', async () => {
    const row = () => page.getByRole('row').filter({ hasText: 'Mobile app: one-time password' });
    await row().getByRole('link', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: `Delete ${TOTP}?` }).waitFor();
    await page.getByText(`You won't be able to sign in with ${TOTP} any more.`).waitFor();
    await page.getByText('This is your only sign-in method.').waitFor();
    await lookAt(browser, 'removal-03-delete-only-method');

    await page.getByRole('link', { name: 'Cancel' }).click();
    assert.equal(await row().count(), 1, 'Cancel deleted nothing');
    await row().getByRole('link', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: `${TOTP} was deleted.` }).waitFor();
    assert.equal(await row().count(), 0);
    await lookAt(browser, 'removal-04-deleted');
  });

  it('ran every page without console errors, CSP violations or failed loads', () => {
    assert.deepEqual(browser.problems, []);
  });
});
