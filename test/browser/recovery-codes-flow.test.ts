import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_USER } from '../../example-app/app.js';
import { chromiumSkipReason } from '../support/browser.js';
import type { BrowserSession } from '../support/browser.js';
import { lookAt, passwordAgain, setUpOneTimePassword, startBrowserHarness } from '../support/browser-steps.js';
import type { BrowserHarness } from '../support/browser-steps.js';
import type { Harness } from '../support/harness.js';

describe('recovery codes in a real browser (Chromium)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;
  let h: Harness;
  let base: string;
  let browser: BrowserSession;
  let page: Page;
  let codes: string[];

  const shownCodes = async () => (await page.locator('.mfa-codes code').allInnerTexts()).map((c) => c.trim());

  before(async () => {
    t = await startBrowserHarness();
    ({ h, base, browser, page } = t);
  });
  after(() => t?.stop());

  it('shows ten codes once after the first method, with Download (a text file) and Print', async () => {
    await setUpOneTimePassword(page, base, h.codeFor);
    await page.getByRole('heading', { name: 'Recovery codes' }).waitFor();
    codes = await shownCodes();
    assert.equal(codes.length, 10);
    await lookAt(browser, 'recovery-01-codes');

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download' }).click();
    const file = await download;
    assert.equal(file.suggestedFilename(), 'Contoso-recovery-codes.txt');
    const text = await readFile((await file.path())!, 'utf8');
    for (const code of codes) assert.ok(text.includes(code), `the file has ${code}`);

    // Headless Chromium has no print dialog: watch for the call instead (set through DevTools, so the CSP stays on).
    await page.evaluate(() => {
      window.print = () => document.body.setAttribute('data-printed', 'yes');
    });
    await page.getByRole('button', { name: 'Print' }).click();
    assert.equal(await page.locator('body').getAttribute('data-printed'), 'yes');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.getByRole('link', { name: 'Done' }).isVisible(), false, 'the buttons stay off paper');
    assert.equal(await page.locator('.mfa-codes').isVisible(), true);
    await browser.screenshot('recovery-02-print');
    await page.emulateMedia({ media: 'screen' });

    await page.getByRole('link', { name: 'Done' }).click();
    await page.getByRole('heading', { name: 'Add a backup phone' }).waitFor();
    // The page is no-store: going back asks again, and a user who has codes is sent on to the next step.
    await page.goBack();
    await page.getByRole('heading', { name: 'Add a backup phone' }).waitFor();
    await page.waitForLoadState('load');
    assert.deepEqual(await page.locator('.mfa-codes code').count(), 0, 'going back shows no codes again');
    assert.deepEqual(browser.problems, []);
  });

  it('signs in with "Use a recovery code" and tells how many are left', async () => {
    await passwordAgain(page, base);
    await page.getByRole('link', { name: 'Use a recovery code' }).click();
    await page.getByRole('heading', { name: 'Use a recovery code' }).waitFor();
    await lookAt(browser, 'recovery-03-verify');
    await page.getByLabel('Recovery code', { exact: true }).fill('aaaa-bbbb-cccc-dddd');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid, or was already used' }).waitFor();
    await lookAt(browser, 'recovery-04-verify-wrong');
    await page.getByLabel('Recovery code', { exact: true }).fill(codes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Recovery code accepted' }).waitFor();
    await page.getByText('You have 9 recovery codes left.').waitFor();
    await lookAt(browser, 'recovery-05-used');
    await page.getByRole('link', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
  });

  it('generates new codes from Security info, which end the old ones', async () => {
    await page.goto(`${base}/mfa/manage`);
    await page.getByText('9 of 10 left.').waitFor();
    await page.getByRole('button', { name: 'Generate new codes' }).click();
    await page.getByRole('heading', { name: 'Recovery codes' }).waitFor();
    const fresh = await shownCodes();
    assert.equal(fresh.length, 10);
    assert.equal(fresh.some((code) => codes.includes(code)), false);
    await lookAt(browser, 'recovery-06-new-codes');
    await page.getByRole('link', { name: 'Done' }).click();
    await page.getByText('10 of 10 left.').waitFor();

    await passwordAgain(page, base);
    await page.getByRole('link', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code', { exact: true }).fill(codes[1]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid, or was already used' }).waitFor();
    await page.getByLabel('Recovery code', { exact: true }).fill(fresh[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Recovery code accepted' }).waitFor();
  });
});
