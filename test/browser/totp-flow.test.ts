import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import type { Locator, Page } from 'playwright-core';
import { DEMO_USER } from '../../example-app/app.js';
import { chromiumSkipReason, openBrowser } from '../support/browser.js';
import type { BrowserSession } from '../support/browser.js';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

// jsqr's types declare an ES default export, but the package is CommonJS whose module.exports is
// the function itself, which is what Node hands an ES import.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

/** Reads the QR code as a phone camera would: from the pixels Chromium drew, not from the HTML. */
async function scan(img: Locator): Promise<string> {
  const png = PNG.sync.read(await img.screenshot());
  const decoded = jsQR(Uint8ClampedArray.from(png.data), png.width, png.height);
  assert.ok(decoded, 'the QR code as displayed decodes');
  return decoded.data;
}

async function signIn(page: Page): Promise<void> {
  await page.getByLabel('Username').fill(DEMO_USER.username);
  await page.getByLabel('Password').fill(DEMO_USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function submitCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Verification code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}

/** Lays the page out at an iPhone's width, checks nothing sticks out sideways, and screenshots it. */
async function screenshotOnPhone(browser: BrowserSession, name: string): Promise<void> {
  const desktop = browser.page.viewportSize();
  await browser.page.setViewportSize({ width: 390, height: 844 });
  const overflow = await browser.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name}: no sideways scrolling on a phone (overflows by ${overflow}px)`);
  await browser.screenshot(name);
  if (desktop) await browser.page.setViewportSize(desktop);
}

/** A code that is certainly not the one the authenticator shows now. */
function wrongCode(right: string): string {
  return String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
}

describe('one-time password flow in a real browser (Chromium)', { skip: chromiumSkipReason() }, () => {
  let h: Harness;
  let server: Server;
  let base: string;
  let browser: BrowserSession;
  let page: Page;
  let secret: string;

  before(async () => {
    h = await startHarness();
    server = await new Promise<Server>((ready) => {
      const s = h.app.listen(0, '127.0.0.1', () => ready(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await openBrowser();
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    await h?.stop();
  });

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
    await page.getByLabel('How should we contact you?').selectOption({ label: 'Mobile app' });
    await page.getByRole('radio', { name: 'One-time password' }).check();
    await page.getByRole('button', { name: 'Set up' }).click();
    await page.getByRole('heading', { name: 'Configure mobile app' }).waitFor();

    const qr = page.getByAltText('QR code');
    const naturalWidth = await qr.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));
    assert.ok(naturalWidth > 0, 'the QR image loaded');
    await browser.screenshot('03-setup-totp');

    const uri = new URL(await scan(qr));
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
