import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_USER } from '../../example-app/app.js';
import { chromiumSkipReason } from '../support/browser.js';
import type { BrowserSession } from '../support/browser.js';
import { lookAt, scanQr, signIn, startBrowserHarness, submitCode } from '../support/browser-steps.js';
import type { BrowserHarness } from '../support/browser-steps.js';
import type { Harness } from '../support/harness.js';
import { US_NUMBER } from '../support/phone.js';
import { VirtualAuthenticator } from '../support/virtual-authenticator.js';

describe('first-run setup wizard and Add method in a real browser (Chromium)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;
  let h: Harness;
  let base: string;
  let browser: BrowserSession;
  let page: Page;

  /** lookAt() under this suite's screenshot prefix. */
  const capture = (name: string) => lookAt(browser, `wizard-${name}`);

  /** The step indicator: "Step n of m" and the step marked aria-current. */
  async function progress(): Promise<{ count: string; current: string[] }> {
    const nav = page.getByRole('navigation', { name: 'Setup steps' });
    return {
      count: (await nav.getByText(/^Step \d+ of \d+$/).innerText()).trim(),
      current: await nav.locator('[aria-current="step"]').allInnerTexts(),
    };
  }

  const secretOnPage = async () => new URL(await scanQr(page.getByAltText('QR code'))).searchParams.get('secret') ?? '';
  const methodRows = () => page.locator('.mfa-table-factors tbody tr').count();

  before(async () => {
    t = await startBrowserHarness();
    ({ h, base, browser, page } = t);
  });
  after(() => t?.stop());

  it('starts with "How should we contact you?" as radio cards (no list of one) and step 1 of 4', async () => {
    await page.goto(`${base}/`);
    await signIn(page);
    await page.getByRole('heading', { name: 'Additional security verification' }).waitFor();
    assert.equal(await page.locator('select').count(), 0, 'no one-item drop-down');
    await page.getByRole('group', { name: 'How should we contact you?' }).waitFor();
    assert.deepEqual(await progress(), { count: 'Step 1 of 4', current: ['Mobile app'] });
    assert.equal(await page.getByRole('button', { name: 'Cancel' }).count(), 0);
    // Keyboard only: the radio cards take the focus, with a ring around the card.
    await page.getByRole('radio', { name: 'One-time password' }).focus();
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.getByRole('radio', { name: 'Notification' }).isChecked(), true);
    const ring = await page.locator('.mfa-radio').first().evaluate((el) => getComputedStyle(el).outlineStyle);
    assert.equal(ring, 'solid', 'the focused card has a visible ring');
    await page.keyboard.press('ArrowDown');
    await capture('01-choice');
  });

  it('sets up the app, then confirms it with a check mark on the recovery codes (step 2)', async () => {
    await page.getByRole('button', { name: 'Set up' }).click();
    await page.getByRole('heading', { name: 'Configure mobile app' }).waitFor();
    assert.deepEqual(await progress(), { count: 'Step 1 of 4', current: ['Mobile app'] });
    await capture('02-totp');
    await submitCode(page, h.codeFor(await secretOnPage()));

    await page.getByRole('heading', { name: 'Recovery codes' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Mobile app verified.' }).waitFor();
    assert.deepEqual(await progress(), { count: 'Step 2 of 4', current: ['Recovery codes'] });
    await page.getByRole('navigation', { name: 'Setup steps' }).getByText('Done: Mobile app').waitFor();
    await capture('03-recovery-codes');
    await page.getByRole('link', { name: 'Done' }).click();
  });

  it('adds the backup phone (step 3) and confirms it on the app-password step (step 4)', async () => {
    await page.getByRole('heading', { name: 'Add a backup phone' }).waitFor();
    assert.deepEqual(await progress(), { count: 'Step 3 of 4', current: ['Backup phone'] });
    assert.equal(await page.getByText('Mobile app verified.').count(), 0, 'said once');
    await capture('04-phone');
    await page.getByLabel('Mobile phone number').fill(US_NUMBER.typed);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(`We texted a code to ${US_NUMBER.masked}`).waitFor();
    assert.deepEqual(await progress(), { count: 'Step 3 of 4', current: ['Backup phone'] });
    await capture('05-phone-code');
    await submitCode(page, h.latestCode());

    await page.getByRole('heading', { name: 'App passwords' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Backup phone verified.' }).waitFor();
    assert.deepEqual(await progress(), { count: 'Step 4 of 4', current: ['App passwords'] });
    await capture('06-app-passwords');
    await page.getByLabel('Name').fill('Thunderbird');
    await page.getByRole('button', { name: 'Create app password' }).click();
    await page.getByRole('heading', { name: 'Your app password' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Done' }).count(), 0, 'no Done right before the summary');
    await capture('07-app-password-created');
    await page.getByRole('link', { name: 'Continue' }).click();
  });

  it('ends on one summary of everything set up, with one Done', async () => {
    await page.getByText('Verification successful.').waitFor();
    const summary = page.getByRole('list', { name: 'What you set up' });
    const items = (await summary.getByRole('listitem').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim());
    assert.deepEqual(items, [
      'Mobile app: one-time password (set up) Authenticator app',
      'Recovery codes (set up) 10 single-use codes for when nothing else works',
      `Backup phone (set up) ${US_NUMBER.masked}`,
      'App passwords (set up) 1 app password: “Thunderbird”',
    ]);
    assert.equal(await page.getByRole('link', { name: 'Done' }).count(), 1);
    await capture('08-summary');
    await page.getByRole('link', { name: 'Done' }).click();
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
  });

  it('Add method: its own short flow from Security info, where Cancel changes nothing', async () => {
    await page.goto(`${base}/mfa/manage`);
    const before = await methodRows();
    await page.getByRole('link', { name: 'Add method' }).click();
    await page.getByRole('heading', { name: 'Add a method' }).waitFor();
    assert.equal(await page.getByText(/Additional security verification|Step \d/).count(), 0, 'none of the first-run wizard');
    assert.equal(await page.getByRole('radio', { name: /Backup phone/ }).count(), 0, 'a phone is set up already');
    await capture('add-01-choose');

    await page.getByRole('radio', { name: /Mobile app: notification/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Configure mobile app' }).waitFor();
    await page.getByAltText('QR code').waitFor();
    await capture('add-02-push');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    assert.equal(await methodRows(), before, 'nothing was added');

    await page.getByRole('link', { name: 'Add method' }).click();
    await page.getByRole('radio', { name: /Mobile app: one-time password/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Configure mobile app' }).waitFor();
    await capture('add-03-totp');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    assert.equal(await methodRows(), before);
  });

  it('Add method: a second app, verified, back on Security info saying "Mobile app added."', async () => {
    await page.getByRole('link', { name: 'Add method' }).click();
    await page.getByRole('radio', { name: /Mobile app: one-time password/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    h.clock.advance(30_000);
    await submitCode(page, h.codeFor(await secretOnPage()));
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Mobile app added.' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/mfa/manage');
    await capture('add-04-added');
    await page.reload();
    assert.equal(await page.getByText('Mobile app added.').count(), 0, 'said once');
  });
});

describe('the first-run wizard and Add method with security keys (Chromium, DevTools virtual authenticator)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;
  let page: Page;
  let browser: BrowserSession;
  let key: VirtualAuthenticator;
  before(async () => {
    t = await startBrowserHarness({}, { securityKeys: true });
    ({ page, browser } = t);
    key = await VirtualAuthenticator.attach(page);
  });
  after(() => t?.stop());

  // Every page here finishes loading (scripts, styles) before the next click: a load cut off by
  // leaving would count as a problem, and the last test asserts there were none.
  async function look(name: string): Promise<void> {
    await page.waitForLoadState('load');
    await lookAt(browser, `wizard-${name}`);
  }

  it('offers the list of contacts, showing only the chosen one\'s options', async () => {
    await page.goto(`${t.base}/`);
    await signIn(page);
    const contact = page.getByLabel('How should we contact you?');
    assert.deepEqual(await contact.locator('option').allInnerTexts(), ['Mobile app', 'Security key']);
    await page.getByRole('radio', { name: 'Notification' }).waitFor();
    assert.equal(await page.locator('[aria-current="step"]').innerText(), 'Sign-in method');
    await look('choice-several');
    await contact.selectOption({ label: 'Security key' });
    assert.equal(await page.getByRole('radio').count(), 0, "the mobile app's options hide");
    await page.getByText('A hardware key (such as a YubiKey) or a passkey').waitFor();
    await look('choice-security-key');
  });

  it('registers the key as the first method, then recovery codes, and the summary names it', async () => {
    await page.waitForLoadState('load');
    await page.getByRole('button', { name: 'Set up' }).click();
    await page.getByRole('heading', { name: 'Register security key' }).waitFor();
    assert.equal(await page.locator('[aria-current="step"]').innerText(), 'Security key');
    assert.equal(await page.getByRole('button', { name: 'Cancel' }).count(), 0);
    await look('security-key');
    await page.getByLabel('Name', { exact: true }).fill('YubiKey');
    await page.waitForLoadState('load');
    await page.getByRole('button', { name: 'Register security key' }).click();
    await page.getByRole('status').filter({ hasText: 'Security key verified.' }).waitFor();
    await page.waitForLoadState('load');
    await page.getByRole('link', { name: 'Done' }).click();
    await page.waitForLoadState('load');
    await page.getByRole('button', { name: 'Skip' }).click();
    await page.waitForLoadState('load');
    await page.getByRole('link', { name: 'Skip' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Security key' }).getByText('YubiKey').waitFor();
    await page.waitForLoadState('load');
    await page.getByRole('link', { name: 'Done' }).click();
  });

  it('Add method → Security key: Cancel beside Register, then a second key, "Security key added."', async () => {
    await page.goto(`${t.base}/mfa/manage`);
    await page.waitForLoadState('load');
    await page.getByRole('link', { name: 'Add method' }).click();
    await page.getByRole('radio', { name: /^Security key/ }).check();
    await page.waitForLoadState('load');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Register security key' }).waitFor();
    assert.equal(await page.getByText(/Step \d of/).count(), 0);
    await look('add-security-key');
    await page.waitForLoadState('load');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    assert.equal((await key.credentials()).length, 1, 'Cancel before Register: the key made no credential');

    // Another key: the first one refuses a second registration for the same account (excludeCredentials).
    await key.detach();
    const second = await VirtualAuthenticator.attach(page);
    await page.waitForLoadState('load');
    await page.getByRole('link', { name: 'Add method' }).click();
    await page.getByRole('radio', { name: /^Security key/ }).check();
    await page.waitForLoadState('load');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Laptop passkey');
    await page.waitForLoadState('load');
    await page.getByRole('button', { name: 'Register security key' }).click();
    await page.getByRole('status').filter({ hasText: 'Security key added.' }).waitFor();
    assert.equal((await second.credentials()).length, 1);
    await page.getByRole('row').filter({ hasText: 'Laptop passkey' }).waitFor();
  });

  it('Add method → Backup phone: its pages have Cancel, which keeps nothing', async () => {
    await page.waitForLoadState('load');
    await page.getByRole('link', { name: 'Add method' }).click();
    await page.getByRole('radio', { name: /^Backup phone/ }).check();
    await page.waitForLoadState('load');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Add a backup phone' }).waitFor();
    await look('add-phone');
    await page.getByLabel('Mobile phone number').fill(US_NUMBER.typed);
    await page.waitForLoadState('load');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(`We texted a code to ${US_NUMBER.masked}`).waitFor();
    await look('add-phone-code');
    await page.waitForLoadState('load');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    assert.equal(await page.getByRole('row').filter({ hasText: 'Backup phone' }).count(), 0);
    assert.deepEqual(browser.problems, [], 'no console errors, CSP violations or failed loads');
  });
});
