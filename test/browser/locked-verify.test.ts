import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { chromiumSkipReason } from '../support/browser.js';
import type { BrowserSession } from '../support/browser.js';
import { enrollOneTimePassword, lookAt, pageContent, signIn, startBrowserHarness, submitCode } from '../support/browser-steps.js';
import type { BrowserHarness } from '../support/browser-steps.js';
import type { Harness } from '../support/harness.js';

describe('the verify page while locked (Chromium)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;
  let h: Harness;
  let base: string;
  let browser: BrowserSession;
  let page: Page;
  let secret: string;

  before(async () => {
    t = await startBrowserHarness();
    ({ h, base, browser, page } = t);
    secret = await enrollOneTimePassword(page, base, h.codeFor);
  });
  after(() => t?.stop());

  it('after too many wrong codes offers nothing that would fail and says until when, also after a reload', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page);
    for (let i = 0; i < 5; i++) await submitCode(page, h.wrongCode(secret));
    for (const name of ['locked-01-verify', 'locked-02-verify-reloaded']) {
      await page.getByRole('heading', { name: 'Too many failed attempts' }).waitFor();
      await page.getByText('Try again after').waitFor();
      assert.match(await page.locator('time[data-local-time]').innerText(), /^\d{1,2}:\d\d/, 'the time in the reader\'s own form');
      assert.equal(await page.getByLabel('Verification code').count(), 0);
      assert.equal(await pageContent(page).getByRole('button').count(), 0, 'no button that would fail (the account bar\'s "Sign out" aside)');
      await lookAt(browser, name);
      await page.reload();
    }
  });

  it('ran every page without console errors, CSP violations or failed loads', () => {
    assert.deepEqual(browser.problems.filter((p) => !p.includes('HTTP 429')), []);
  });
});
