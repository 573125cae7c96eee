import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO_USER } from '../../example-app/app.js';
import { buildEnrollmentUri } from '../../src/push/enrollment-uri.js';
import { chromiumSkipReason, openBrowser } from '../support/browser.js';
import { assertAccessible, axeViolations } from '../support/axe.js';
import { screenshotOnPhone, signIn, skipOptionalSetupSteps, submitCode } from '../support/browser-steps.js';
import type { BrowserSession } from '../support/browser.js';
import { startPushHarness, withoutClosedEventStreams } from '../support/push.js';
import type { PushHarness } from '../support/push.js';

// Page 1 is the laptop signing in; page 2 is the example app's /authenticator page in a phone-sized
// tab, the companion app. Both run on real time: the phone page signs with the browser's clock.

async function signOutAndIn(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page);
  await page.getByRole('button', { name: 'Contact me' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/mfa/verify');
}

/** Contact me → the number page 1 shows in the element labelled "Number to enter". */
async function contactMe(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Contact me' }).click();
  const number = (await page.getByLabel('Number to enter').innerText()).trim();
  assert.match(number, /^[0-9]{2}$/);
  return number;
}

/** Signs in as alice (no method yet) and chooses Mobile app → Notification → Set up; returns the Code and URL shown. */
async function startNotificationSetup(page: Page, origin: string): Promise<{ code: string; url: string }> {
  await page.goto(`${origin}/`);
  await signIn(page);
  await page.getByRole('radio', { name: 'Notification' }).check();
  await page.getByRole('button', { name: 'Set up' }).click();
  await page.getByRole('heading', { name: 'Configure mobile app' }).waitFor();
  await page.getByAltText('QR code').waitFor();
  const code = await page.getByLabel('Code').innerText();
  const url = await page.getByLabel('URL').innerText();
  assert.ok(url.startsWith(`${origin}/mfa/device/activate/`));
  return { code, url };
}

/** On the phone page: "+" → Enter account manually → Code and URL → Add. */
async function addAccountManually(phone: Page, code: string, url: string, screenshot?: () => Promise<unknown>): Promise<void> {
  await phone.getByRole('button', { name: 'Add account' }).click();
  await phone.getByRole('button', { name: 'Enter account manually' }).click();
  await phone.getByLabel('Code').fill(code);
  await phone.getByLabel('URL').fill(url);
  await screenshot?.();
  await phone.getByRole('button', { name: 'Add', exact: true }).click();
  await phone.getByRole('status').filter({ hasText: 'Account added: Contoso (alice)' }).waitFor();
}

/** The sign-in request card on the phone page, once the long-poll has delivered it. */
async function request(phone: Page) {
  const card = phone.getByRole('article', { name: 'Approve sign-in request' });
  await card.waitFor();
  return card;
}

describe('push sign-in approved on the /authenticator page (Chromium, two pages)', { skip: chromiumSkipReason() }, () => {
  let h: PushHarness;
  let browser: BrowserSession;
  let page: Page;
  let phone: Page;

  before(async () => {
    h = await startPushHarness({ clock: Date.now });
    browser = await openBrowser();
    page = browser.page;
    phone = await browser.openPage({ width: 390, height: 844 });
  });
  after(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('sets up Notification by typing the Code and URL into the phone page, then approves the first notification', async () => {
    const { code, url } = await startNotificationSetup(page, h.origin);
    await browser.screenshot('push-01-browser-setup');

    await phone.goto(`${h.origin}/authenticator`);
    await phone.getByText('No accounts yet').waitFor();
    const canScan = await phone.evaluate(async () => {
      const detector = (window as { BarcodeDetector?: { getSupportedFormats(): Promise<string[]> } }).BarcodeDetector;
      return detector !== undefined && (await detector.getSupportedFormats()).includes('qr_code');
    });
    assert.equal(await phone.getByRole('button', { name: 'Scan QR code' }).isVisible(), canScan, 'camera scanning is offered exactly when the browser can read QR codes');
    await browser.screenshot('push-02-phone-empty', phone);
    await addAccountManually(phone, code, url, () => browser.screenshot('push-03-phone-enter-manually', phone));
    assert.match(await phone.locator('.auth-code').innerText(), /^[0-9]{3} [0-9]{3}$/, 'the offline one-time code is shown');
    await browser.screenshot('push-04-phone-account', phone);

    const number = await contactMe(page);
    await browser.screenshot('push-05-browser-number');
    const card = await request(phone);
    await card.getByText('127.0.0.1').waitFor();
    await card.getByText('Chrome on Linux').waitFor();
    await card.getByLabel('Enter the number shown in your browser').fill(number);
    await browser.screenshot('push-06-phone-request', phone);
    await card.getByRole('button', { name: 'Approve' }).click();

    // Page 1 learns the answer over its event stream and moves on by itself ("I approved it" is never pressed).
    await skipOptionalSetupSteps(page);
    await page.getByText('Verification successful.').waitFor();
    await phone.getByRole('status').filter({ hasText: 'Sign-in approved' }).waitFor();
    await browser.screenshot('push-07-browser-setup-done');
    await browser.screenshot('push-08-phone-approved', phone);
    await page.getByRole('link', { name: 'Done' }).click();
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
  });

  it('signs in again: Contact me → type the number on the phone page → Approve', async () => {
    await signOutAndIn(page);
    await browser.screenshot('push-09-browser-verify');
    // The page waits on the session-free capability stream (mfa.streams), not the fallback.
    const streamed = page.waitForRequest((r) => new URL(r.url()).pathname.startsWith('/mfa/push-events/'));
    const number = await contactMe(page);
    await streamed;
    const card = await request(phone);
    await card.getByLabel('Enter the number shown in your browser').fill(number);
    await browser.screenshot('push-10-phone-sign-in-request', phone);
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    await browser.screenshot('push-11-browser-signed-in');
  });

  it('Security info names the app by the phone\'s own name, and Rename starts from that name', async () => {
    await page.goto(`${h.origin}/mfa/manage`);
    // The phone page names itself after the browser it runs in.
    const name = (await page.locator('.mfa-factor-name').first().textContent())!;
    assert.match(name, /^Web authenticator \(/);
    await page.getByRole('link', { name: 'Rename' }).click();
    await page.getByRole('heading', { name: 'Rename', level: 1 }).waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Name' }).inputValue(), name);
    await browser.screenshot('push-11b-browser-rename');
    await screenshotOnPhone(browser, 'push-11b-browser-rename-390px');
  });

  it('a denied request says so in the browser, which then accepts the code the phone page shows', async () => {
    await signOutAndIn(page);
    await contactMe(page);
    const card = await request(phone);
    await card.getByRole('button', { name: 'Deny' }).click();
    await phone.getByRole('status').filter({ hasText: 'Sign-in denied.' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'The request was denied in the app' }).waitFor();
    await browser.screenshot('push-12-browser-denied');
    await browser.screenshot('push-13-phone-denied', phone);

    await page.getByRole('link', { name: 'Use a verification code instead' }).click();
    const code = (await phone.locator('.auth-code').innerText()).replace(/\s/g, '');
    await submitCode(page, code);
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
  });

  it('"This wasn\'t me" asks first; then the browser says notifications are paused until when, offers codes instead, and keeps saying it after a reload', async () => {
    await signOutAndIn(page);
    await contactMe(page);
    const card = await request(phone);
    await card.getByRole('button', { name: "This wasn't me" }).click();
    const report = card.getByRole('button', { name: 'Report it' });
    await report.waitFor();
    assert.ok(await report.evaluate((el) => el === document.activeElement), 'the confirmation takes the focus');
    await card.getByText('Report this request as not yours?').waitFor();
    await browser.screenshot('push-15-phone-report-confirm', phone);
    await assertAccessible(phone, 'push-15-phone-report-confirm');
    await card.getByRole('button', { name: 'Cancel' }).click();
    await card.getByRole('button', { name: "This wasn't me" }).click();
    await phone.keyboard.press('Enter'); // on the focused "Report it"
    await phone.getByRole('status').filter({ hasText: 'Thanks for reporting it.' }).waitFor();

    await page.getByText('Notifications are paused because a request was reported as "This wasn\'t me".').waitFor();
    for (const when of ['push-16-browser-reported', 'push-17-browser-reported-reloaded']) {
      await page.getByText('You can send a notification again after').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Send another notification' }).count(), 0);
      await page.getByRole('link', { name: 'Use a verification code' }).waitFor();
      await browser.screenshot(when);
      await screenshotOnPhone(browser, `${when}-390px`);
      await assertAccessible(page, when);
      await page.reload();
    }
    await page.getByRole('link', { name: 'Use a verification code' }).click();
    await page.getByText('You can send a notification again after').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Contact me' }).count(), 0, 'Contact me would fail: it is not offered');
    await browser.screenshot('push-18-browser-verify-paused');
    await screenshotOnPhone(browser, 'push-18-browser-verify-paused-390px');
    await assertAccessible(page, 'push-18-browser-verify-paused');
  });

  it('ran both pages without console errors, CSP violations or failed loads', () => {
    assert.deepEqual(withoutClosedEventStreams(browser.problems), []);
  });
});

describe('push approval with a PIN on the /authenticator page (Chromium, two pages)', { skip: chromiumSkipReason() }, () => {
  const PIN = '275194';
  let h: PushHarness;
  let browser: BrowserSession;

  before(async () => {
    h = await startPushHarness({ clock: Date.now, mfaOptions: { push: { requirePin: true } } });
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('adds the account with the camera, asks for the PIN beside the number, refuses the request after a wrong one saying how many tries are left, and approves the next one with the right PIN', async () => {
    const { page } = browser;
    const phone = await browser.openPage({ width: 390, height: 844 });
    const { code, url } = await startNotificationSetup(page, h.origin);
    // Chromium on Linux has no BarcodeDetector and a headless one no camera: stand-ins for both let
    // the page's own scanning code run (offer the button, open the camera, read the QR text).
    await phone.addInitScript((qrText: string) => {
      class FakeBarcodeDetector {
        static async getSupportedFormats() { return ['qr_code']; }
        async detect() { return [{ rawValue: qrText }]; }
      }
      Object.assign(window, { BarcodeDetector: FakeBarcodeDetector });
      navigator.mediaDevices.getUserMedia = async () => {
        const canvas = document.createElement('canvas');
        canvas.getContext('2d')!.fillRect(0, 0, canvas.width, canvas.height);
        return canvas.captureStream();
      };
    }, buildEnrollmentUri({ url, code: code.replace(/\s/g, '') }));
    await phone.goto(`${h.origin}/authenticator`);
    await phone.getByRole('button', { name: 'Add account' }).click();
    await phone.getByRole('button', { name: 'Scan QR code' }).click();
    await phone.getByRole('status').filter({ hasText: 'Account added: Contoso (alice)' }).waitFor();

    await page.getByRole('button', { name: 'Contact me' }).click();
    await page.getByLabel('PIN', { exact: true }).fill(PIN);
    await page.getByLabel('Confirm PIN').fill(PIN);
    await page.getByRole('button', { name: 'Continue' }).click();
    const number = (await page.getByLabel('Number to enter').innerText()).trim();

    const card = await request(phone);
    await card.getByLabel('Enter the number shown in your browser').fill(number);
    await card.getByLabel('PIN').fill('000000');
    await card.getByRole('button', { name: 'Approve' }).click();
    await phone.getByRole('status').filter({ hasText: 'That PIN is not correct, so the sign-in was blocked. 9 attempts left before this account is disabled.' }).waitFor();
    await browser.screenshot('push-14-phone-wrong-pin', phone);
    assert.deepEqual(await axeViolations(phone), []);
    await page.getByRole('alert').filter({ hasText: 'A wrong number or PIN was entered in the app' }).waitFor();
    await browser.screenshot('push-14b-wrong-pin-refused', page);
    await screenshotOnPhone(browser, 'push-14b-wrong-pin-refused-390');
    assert.deepEqual(await axeViolations(page), []);

    await page.getByRole('button', { name: 'Send another notification' }).click();
    const retryNumber = (await page.getByLabel('Number to enter').innerText()).trim();
    const retry = await request(phone);
    await retry.getByLabel('Enter the number shown in your browser').fill(retryNumber);
    await retry.getByLabel('PIN').fill(PIN);
    await retry.getByRole('button', { name: 'Approve' }).click();
    await skipOptionalSetupSteps(page);
    await page.getByText('Verification successful.').waitFor();
    await phone.getByRole('status').filter({ hasText: 'Sign-in approved' }).waitFor();
    await browser.screenshot('push-15-phone-pin-approved', phone);
  });

  it('ran both pages without console errors, CSP violations or failed loads (but the refused wrong PIN)', () => {
    const problems = withoutClosedEventStreams(browser.problems);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /^tab \d+: HTTP 403: \S+\/mfa\/device\/challenges\/[\w-]+\/answer$/);
  });
});
