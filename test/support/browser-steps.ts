import assert from 'node:assert/strict';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import type { Locator, Page } from 'playwright-core';
import { DEMO_USER } from '../../example-app/app.js';
import type { ExampleAppOptions } from '../../example-app/app.js';
import { assertAccessible } from './axe.js';
import { openBrowser } from './browser.js';
import type { BrowserSession } from './browser.js';
import { startHarness } from './harness.js';
import type { Harness } from './harness.js';
import { freePort, listenOnLocalhost } from './local-server.js';

// jsqr's types declare an ES default export, but the package is CommonJS whose module.exports is
// the function itself, which is what Node hands an ES import.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

export interface BrowserHarness {
  h: Harness;
  /** Where the browser visits the app (http://127.0.0.1:<port>, or http://localhost:<port> with securityKeys), without a trailing slash. */
  base: string;
  browser: BrowserSession;
  page: Page;
  /** Closes the browser, the server and the harness. */
  stop(): Promise<void>;
}

/**
 * The test harness's example app served on 127.0.0.1 and a headless Chromium to visit it. With
 * `securityKeys` the browser visits it as http://localhost:<port>, the origin its security keys
 * are bound to (WebAuthn refuses IP addresses).
 */
export async function startBrowserHarness(
  overrides: Partial<ExampleAppOptions> | ((origin: string) => Partial<ExampleAppOptions>) = {},
  setup: { securityKeys?: boolean } = {},
): Promise<BrowserHarness> {
  const port = setup.securityKeys ? await freePort() : 0;
  const origin = `http://localhost:${port}`;
  const own = typeof overrides === 'function' ? overrides(origin) : overrides;
  const h = await startHarness(setup.securityKeys ? { origin, ...own } : own);
  const server = await listenOnLocalhost(h.app, port).catch(async (err: unknown) => {
    await h.stop();
    throw err;
  });
  const stopServerAndApp = async () => {
    await server.close();
    await h.stop();
  };
  const browser = await openBrowser().catch(async (err: unknown) => {
    await stopServerAndApp();
    throw err;
  });
  return {
    h,
    base: setup.securityKeys ? origin : server.base,
    browser,
    page: browser.page,
    async stop() {
      await browser.close();
      await stopServerAndApp();
    },
  };
}

/** The page's own content: the card without its top bar (the brand, and the account bar's "Sign out"). */
export function pageContent(page: Page): Locator {
  return page.locator('.mfa-card > :not(.mfa-top)');
}

/** The demo user's password step on /login. */
export async function signIn(page: Page): Promise<void> {
  await page.getByLabel('Username').fill(DEMO_USER.username);
  await page.getByLabel('Password').fill(DEMO_USER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * A new browser session (cookies cleared) through the demo user's password step, up to the verify
 * page, loaded: its deferred script is running, so its buttons work.
 */
export async function passwordAgain(page: Page, base: string): Promise<void> {
  // Every response refreshes the session cookie: let the page's last ones arrive before clearing it.
  await page.waitForLoadState('load');
  await page.context().clearCookies();
  await page.goto(`${base}/`);
  await signIn(page);
  await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
  await page.waitForLoadState('load');
}

/** Types `code` into the Verification code field and presses Verify. */
export async function submitCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Verification code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}

/** Reads the QR code as a phone camera would: from the pixels Chromium drew, not from the HTML. */
export async function scanQr(img: Locator): Promise<string> {
  const png = PNG.sync.read(await img.screenshot());
  const decoded = jsQR(Uint8ClampedArray.from(png.data), png.width, png.height);
  assert.ok(decoded, 'the QR code as displayed decodes');
  return decoded.data;
}

/**
 * Lays the page out at an iPhone's width, screenshots it, checks nothing sticks out sideways and
 * runs `check` (more assertions about the narrow layout) before going back to the laptop width.
 */
export async function screenshotOnPhone(browser: BrowserSession, name: string, check?: () => Promise<void>): Promise<void> {
  const desktop = browser.page.viewportSize();
  await browser.page.setViewportSize({ width: 390, height: 844 });
  try {
    const overflow = await browser.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await browser.screenshot(name); // first, so a failure below leaves the picture of what went wrong
    assert.ok(overflow <= 0, `${name}: no sideways scrolling on a phone (overflows by ${overflow}px)`);
    await assertFitsCard(browser.page, name);
    await check?.();
  } finally {
    if (desktop) await browser.page.setViewportSize(desktop);
  }
}

/** The page as it is now: screenshots at 1280 px (`name`) and 390 px wide (`name`-390px), and axe-core finds no violation. */
export async function lookAt(browser: BrowserSession, name: string): Promise<void> {
  await browser.screenshot(name);
  await screenshotOnPhone(browser, `${name}-390px`);
  await assertAccessible(browser.page, name);
}

/** Fails when something on the page (a wide table, a long word, a button) sticks out of its card. */
export async function assertFitsCard(page: Page, name: string): Promise<void> {
  const outside = await page.evaluate(() => {
    const card = document.querySelector('.mfa-card')?.getBoundingClientRect();
    if (!card) return [];
    return Array.from(document.querySelectorAll('.mfa-card *'))
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && (box.left < card.left - 0.5 || box.right > card.right + 0.5);
      })
      .map((el) => `<${el.tagName.toLowerCase()}> ${(el.textContent ?? '').trim().slice(0, 40)}`);
  });
  assert.deepEqual(outside, [], `${name}: everything stays inside the card`);
}

/**
 * From the home page: the password step, then Mobile app → One-time password → Set up, the QR
 * code read from the screen and the app's code typed in. Returns the secret.
 */
export async function setUpOneTimePassword(page: Page, base: string, codeFor: (secret: string) => string): Promise<string> {
  await page.goto(`${base}/`);
  await signIn(page);
  await page.getByRole('radio', { name: 'One-time password' }).check();
  await page.getByRole('button', { name: 'Set up' }).click();
  const secret = new URL(await scanQr(page.getByAltText('QR code'))).searchParams.get('secret') ?? '';
  await submitCode(page, codeFor(secret));
  return secret;
}

/**
 * The demo user enrolled with the authenticator app alone (setUpOneTimePassword, then past the
 * optional steps and Done): signed in, on her way to the home page. Returns the secret.
 */
export async function enrollOneTimePassword(page: Page, base: string, codeFor: (secret: string) => string): Promise<string> {
  const secret = await setUpOneTimePassword(page, base, codeFor);
  await skipOptionalSetupSteps(page);
  await page.getByRole('link', { name: 'Done' }).click();
  return secret;
}

/** The wizard's "Recovery codes" step after the first method: shown once, then Done (test/browser/recovery-codes-flow.test.ts covers it). */
export async function passRecoveryCodes(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'Recovery codes' }).waitFor();
  await page.getByRole('link', { name: 'Done' }).click();
}

/** Skips the wizard's optional steps after the first method: past the recovery codes, the backup phone, then app passwords. */
export async function skipOptionalSetupSteps(page: Page): Promise<void> {
  await passRecoveryCodes(page);
  await page.getByRole('button', { name: 'Skip' }).click(); // test/browser/phone-flow.test.ts covers this step
  await page.getByRole('link', { name: 'Skip' }).click(); // test/browser/app-password-flow.test.ts covers this one
}
