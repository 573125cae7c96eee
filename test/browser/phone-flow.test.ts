import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO_USER } from '../../example-app/app.js';
import { chromiumSkipReason } from '../support/browser.js';
import type { BrowserSession } from '../support/browser.js';
import { axeViolations } from '../support/axe.js';
import { passRecoveryCodes, screenshotOnPhone, setUpOneTimePassword, signIn, startBrowserHarness, submitCode } from '../support/browser-steps.js';
import type { BrowserHarness } from '../support/browser-steps.js';
import type { Harness } from '../support/harness.js';
import { codeIn, UK_MOBILE } from '../support/phone.js';

describe('backup phone in a real browser (Chromium)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;
  let h: Harness;
  let base: string;
  let browser: BrowserSession;
  let page: Page;

  before(async () => {
    t = await startBrowserHarness();
    ({ h, base, browser, page } = t);
  });
  after(() => t?.stop());

  it('adds a backup phone right after the mobile app, reading the code from the Phone outbox', async () => {
    await setUpOneTimePassword(page, base, h.codeFor);
    await passRecoveryCodes(page);

    await page.getByRole('heading', { name: 'Add a backup phone' }).waitFor();
    assert.equal(await page.getByLabel('Country').inputValue(), 'US', 'Chromium sends Accept-Language en-US');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (overflows by ${overflow}px)`);
    await browser.screenshot('phone-01-setup');
    await page.getByLabel('Country').selectOption({ label: 'United Kingdom (+44)' });
    await page.getByLabel('Mobile phone number').fill('0900 123 4567');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('alert').filter({ hasText: 'cannot receive sign-in codes' }).waitFor();
    await browser.screenshot('phone-02-premium-refused');

    // A number typed with "+" for another country is refused, and its country selected to confirm.
    await page.getByLabel('Country').selectOption({ label: 'United States (+1)' });
    await page.getByLabel('Mobile phone number').fill('+44 7400 123456');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('alert').filter({ hasText: 'That number is in United Kingdom (+44), not United States (+1).' }).waitFor();
    assert.equal(await page.getByLabel('Country').inputValue(), 'GB');
    await browser.screenshot('phone-02b-other-country');
    await screenshotOnPhone(browser, 'phone-02b-other-country-390');
    assert.deepEqual(await axeViolations(page), []);

    await page.getByLabel('Mobile phone number').fill(UK_MOBILE.typed);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(`We texted a code to ${UK_MOBILE.masked}`).waitFor();
    await browser.screenshot('phone-03-code');

    const outbox = await page.context().newPage();
    await outbox.goto(`${base}/outbox`);
    await outbox.getByRole('heading', { name: 'Phone outbox' }).waitFor();
    await outbox.locator('.mfa-outbox-to', { hasText: UK_MOBILE.e164 }).first().waitFor();
    await browser.screenshot('phone-04-outbox', outbox);
    // Every tester lands here, often on a phone: the page must fit a 390 px screen without sideways scrolling.
    await outbox.setViewportSize({ width: 390, height: 844 });
    const outboxOverflow = await outbox.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(outboxOverflow <= 0, `the outbox fits at 390 px (overflows by ${outboxOverflow}px)`);
    const numberLines = await outbox.locator('.mfa-outbox-to').first().evaluate((el) => el.getClientRects().length);
    assert.equal(numberLines, 1, 'the phone number stays on one line');
    await browser.screenshot('phone-04-outbox-390', outbox);
    const message = await outbox.locator('.mfa-outbox-body').first().innerText();
    await outbox.close();

    await submitCode(page, codeIn({ kind: 'sms', to: UK_MOBILE.e164, body: message, at: 0 }));
    await page.getByRole('link', { name: 'Skip' }).click(); // the app-passwords step (test/browser/app-password-flow.test.ts)
    await page.getByText('Verification successful.').waitFor();
    await page.getByRole('link', { name: 'Done' }).click();
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
  });

  it('signs in again with "Call me", the app still being the default', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page);
    assert.equal(new URL(page.url()).pathname, '/mfa/verify');
    assert.ok(await page.getByLabel('Verification code').evaluate((el) => el === document.activeElement), 'the app code field has the focus');
    // The phone is one of the other ways, below the app's code field (its SIM-swap warning shows where it is the main action).
    const other = page.getByRole('region', { name: 'Other ways to verify' });
    await other.getByText(UK_MOBILE.masked).waitFor();
    await browser.screenshot('phone-05-verify-choices');
    await other.getByRole('button', { name: 'Call me' }).click();
    await page.getByText(`We are calling ${UK_MOBILE.masked}`).waitFor();
    await submitCode(page, h.latestCode());
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
  });

  it('lists the masked phone under Security info with Change and Delete', async () => {
    await page.getByRole('link', { name: 'Security info' }).click();
    await page.getByText(UK_MOBILE.masked).waitFor();
    await page.getByRole('link', { name: 'Change' }).waitFor();
    await browser.screenshot('phone-06-security-info');
  });

  it('ran every page without console errors, CSP violations or failed loads', () => {
    assert.deepEqual(browser.problems, []);
  });
});
