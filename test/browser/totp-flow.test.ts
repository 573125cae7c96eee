import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO_USER } from '../../example-app/app.js';
import { chromiumSkipReason } from '../support/browser.js';
import type { BrowserSession } from '../support/browser.js';
import { scanQr, screenshotOnPhone, signIn, skipOptionalSetupSteps, startBrowserHarness, submitCode } from '../support/browser-steps.js';
import type { BrowserHarness } from '../support/browser-steps.js';
import type { Harness } from '../support/harness.js';

/** A code that is certainly not the one the authenticator shows now. */
function wrongCode(right: string): string {
  return String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
}

describe('one-time password flow in a real browser (Chromium)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;
  let h: Harness;
  let base: string;
  let browser: BrowserSession;
  let page: Page;
  let secret: string;

  before(async () => {
    t = await startBrowserHarness();
    ({ h, base, browser, page } = t);
  });
  after(() => t?.stop());

  it('sends a password sign-in to Additional security verification', async () => {
    await page.goto(`${base}/`);
    assert.equal(new URL(page.url()).pathname, '/login');
    await browser.screenshot('01-login');
    await signIn(page);
    assert.equal(new URL(page.url()).pathname, '/mfa/setup');
    await page.getByRole('heading', { name: 'Additional security verification' }).waitFor();
    await browser.screenshot('02-setup-method');
    await screenshotOnPhone(browser, '02-setup-method-390px');
  });

  it('enrolls the authenticator app by scanning the QR code the page shows', async () => {
    await page.getByRole('radio', { name: 'One-time password' }).check();
    await page.getByRole('button', { name: 'Set up' }).click();
    await page.getByRole('heading', { name: 'Configure mobile app' }).waitFor();

    const qr = page.getByAltText('QR code');
    const naturalWidth = await qr.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));
    assert.ok(naturalWidth > 0, 'the QR image loaded');
    await browser.screenshot('03-setup-totp');

    const uri = new URL(await scanQr(qr));
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.host, 'totp');
    assert.equal(uri.searchParams.get('issuer'), 'Contoso');
    // h.codeFor() computes SHA-1, 6 digits, 30 s: what an app that scanned this shows (absent = those defaults).
    const params = uri.searchParams;
    assert.deepEqual([params.get('algorithm') ?? 'SHA1', params.get('digits') ?? '6', params.get('period') ?? '30'], ['SHA1', '6', '30']);
    secret = uri.searchParams.get('secret') ?? '';
    const shown = (await page.locator('.mfa-secret').innerText()).replace(/\s/g, '');
    assert.equal(shown, secret, 'the manual secret key matches the QR code');

    await screenshotOnPhone(browser, '04-setup-totp-390px');

    await submitCode(page, wrongCode(h.codeFor(secret)));
    await page.getByRole('alert').filter({ hasText: 'That code is not valid' }).waitFor();
    assert.equal(await page.getByLabel('Verification code').inputValue(), '', 'the wrong code is not kept in the field');
    await browser.screenshot('05-setup-totp-wrong-code');

    await submitCode(page, h.codeFor(secret));
    await skipOptionalSetupSteps(page);
    await page.getByText('Verification successful.').waitFor();
    await browser.screenshot('06-setup-done');
    await page.getByRole('link', { name: 'Done' }).click();
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    await browser.screenshot('07-home');
  });

  it('asks the next sign-in for a fresh code from the app', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    assert.equal(new URL(page.url()).pathname, '/login');
    await signIn(page);
    assert.equal(new URL(page.url()).pathname, '/mfa/verify');
    await page.getByLabel('Verification code').waitFor();
    await browser.screenshot('08-verify');

    // The authenticator moves on to its next code; the enrollment code of this step is spent.
    h.clock.advance(30_000);
    await submitCode(page, wrongCode(h.codeFor(secret)));
    await page.getByRole('alert').filter({ hasText: 'That code is not valid' }).waitFor();
    await browser.screenshot('09-verify-wrong-code');

    await submitCode(page, h.codeFor(secret));
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    await browser.screenshot('10-home-again');
  });

  it('lists the enrolled app under Security info', async () => {
    await page.getByRole('link', { name: 'Security info' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    await page.getByRole('cell', { name: 'Mobile app: one-time password' }).waitFor();
    await browser.screenshot('11-security-info');
  });

  it('ran every page without console errors, CSP violations or failed loads', () => {
    assert.deepEqual(browser.problems, []);
  });
});
