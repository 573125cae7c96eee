import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_USER } from '../../example-app/app.js';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import type { AuthenticatorClient } from '../../src/authenticator/client.js';
import { chromiumSkipReason, openBrowser } from '../support/browser.js';
import type { BrowserSession } from '../support/browser.js';
import { lookAt, signIn, startBrowserHarness } from '../support/browser-steps.js';
import type { BrowserHarness } from '../support/browser-steps.js';
import type { Harness } from '../support/harness.js';
import { addPhone } from '../support/phone.js';
import { startPushHarness, withoutClosedEventStreams } from '../support/push.js';
import type { PushHarness } from '../support/push.js';

/** lookAt() once the page has loaded, under this suite's screenshot prefix. */
async function capture(browser: BrowserSession, name: string): Promise<void> {
  await browser.page.waitForLoadState('load');
  await lookAt(browser, `verify-${name}`);
}

/** What has the keyboard focus: its tag, accessible text and whether a focus ring is drawn (outline of 2 px or more). */
async function focused(page: Page): Promise<{ tag: string; text: string; ring: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const style = el ? getComputedStyle(el) : null;
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      text: (el?.textContent ?? '').trim() || (el?.getAttribute('aria-label') ?? ''),
      ring: style !== null && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

/** Presses Tab until the focus is on `text` (at most 30 times); fails if it never gets there. */
async function tabTo(page: Page, text: string): Promise<{ tag: string; text: string; ring: boolean }> {
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now.text === text) return now;
  }
  throw new Error(`Tab never reached "${text}"`);
}

describe('the verify page with an authenticator app and a backup phone (Chromium)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;
  let h: Harness;
  let page: Page;
  let secret: string;

  before(async () => {
    t = await startBrowserHarness();
    ({ h, page } = t);
    const enrolled = await h.enrolledUser();
    secret = enrolled.secret;
    await addPhone(enrolled.agent, h.latestCode);
    // The wizard's recovery-codes step, which makes them.
    assert.equal((await enrolled.agent.get('/mfa/setup/recovery-codes')).status, 200);
  });
  after(() => t?.stop());

  it('starts the cursor in the code field, the one main action; the other ways are links; it works by keyboard alone', async () => {
    await page.goto(`${t.base}/`);
    await signIn(page);
    await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
    await page.getByText(`Signing in as ${DEMO_USER.username}`).waitFor();
    // autofocus: the cursor starts in the code field (the browser moves it there once the page is shown).
    await page.waitForFunction(() => document.activeElement?.id === 'mfa-code');
    const other = page.getByRole('region', { name: 'Other ways to verify' });
    await other.getByRole('button', { name: 'Text me' }).waitFor();
    await other.getByRole('button', { name: 'Call me' }).waitFor();
    await other.getByRole('link', { name: 'Use a recovery code' }).waitFor();
    await page.getByText('Lost your phone? Use one of these ways, or contact your administrator.').waitFor();
    await capture(t.browser, '01-code');

    // Keyboard only: the links and link-styled buttons show a focus ring.
    for (const name of ['Text me', 'Use a recovery code', 'Sign out']) {
      await page.locator('#mfa-code').focus();
      assert.ok((await tabTo(page, name)).ring, `"${name}" shows a focus ring`);
    }
    await page.locator('#mfa-code').focus();
    h.clock.advance(30_000);
    await page.keyboard.type(h.codeFor(secret));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
    await page.getByText('your password and a code from your authenticator app.').waitFor();
    await capture(t.browser, '02-home');
  });

  it('"Text me" among the other ways: the phone becomes the way in; a wrong code keeps its field', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page);
    await page.getByRole('region', { name: 'Other ways to verify' }).getByRole('button', { name: 'Text me' }).click();
    await page.getByLabel('Verification code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Verification code').fill(h.latestCode());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('your password and a code we sent you by text message.').waitFor();
  });

  it('Security info: names first, the Default badge, local times, Back to the app and Sign out', async () => {
    await page.goto(`${t.base}/mfa/manage`);
    await page.getByText(`Signed in as ${DEMO_USER.username}`).waitFor();
    const app = page.getByRole('row').filter({ hasText: 'Mobile app: one-time password' });
    await app.getByText('Authenticator app').waitFor();
    await app.getByText('Default').waitFor();
    // local-time.js replaced the UTC text with the reader's own form.
    assert.match(await app.locator('time[data-local-time="minute"]').innerText(), /^Today, \d{1,2}:\d\d/);
    assert.doesNotMatch(await app.innerText(), /UTC/);
    await capture(t.browser, '03-security-info');
    await page.getByRole('link', { name: 'Back to the app' }).click();
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
    await page.goto(`${t.base}/mfa/manage`);
    await page.locator('nav[aria-label="Account"]').getByRole('button', { name: 'Sign out' }).click();
    assert.equal(new URL(page.url()).pathname, '/login');
  });

  it('ran every page without console errors, CSP violations or failed loads', () => {
    assert.deepEqual(t.browser.problems, []);
  });
});

describe('the verify page for a notification user (Chromium)', { skip: chromiumSkipReason() }, () => {
  let h: PushHarness;
  let browser: BrowserSession;
  let page: Page;
  let phone: AuthenticatorClient;
  let account: AuthenticatorAccount;

  before(async () => {
    h = await startPushHarness();
    let agent;
    ({ browser: agent, phone, account } = await h.enrolledPushUser());
    assert.equal((await agent.get('/mfa/setup/recovery-codes')).status, 200);
    h.clock.advance(10 * 60_000);
    browser = await openBrowser();
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('offers "Contact me" as the one main action, with no code field holding the cursor', async () => {
    await page.goto(`${h.origin}/`);
    await signIn(page);
    await page.getByRole('button', { name: 'Contact me' }).waitFor();
    assert.equal(await page.locator('#mfa-code').count(), 0);
    assert.notEqual((await focused(page)).tag, 'input', 'the cursor is in no field');
    await page.getByRole('link', { name: 'Use a verification code' }).waitFor();
    await capture(browser, '04-push');
  });

  it('hides "I approved it" while the page listens, says "Not approved yet" calmly if it is sent early, then moves on by itself', async () => {
    await page.getByRole('button', { name: 'Contact me' }).click();
    const number = (await page.getByLabel('Number to enter').innerText()).trim();
    await page.waitForLoadState('load');
    assert.equal(await page.getByRole('button', { name: 'I approved it' }).isVisible(), false, 'hidden by the page script');
    await capture(browser, '05-push-waiting');

    // What a browser without JavaScript sends on "I approved it" before the phone answered.
    await page.evaluate(() => (document.getElementById('mfa-push-complete') as HTMLFormElement).submit());
    await page.getByRole('status').filter({ hasText: 'Not approved yet.' }).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, 'not an error');
    await capture(browser, '06-push-not-yet');

    const [challenge] = await phone.waitForChallenges(account, 0);
    await phone.answer(account, challenge!.id, 'approve', { number });
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
    await page.getByText('your password and a notification you approved in your mobile app.').waitFor();
  });

  it('"Use a verification code" puts the code field first and the notification among the other ways', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page);
    await page.getByRole('link', { name: 'Use a verification code' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'mfa-code');
    await page.getByRole('region', { name: 'Other ways to verify' }).getByRole('button', { name: 'Send a notification' }).waitFor();
    await capture(browser, '07-push-user-code');
  });

  it('ran every page without console errors, CSP violations or failed loads', () => {
    assert.deepEqual(withoutClosedEventStreams(browser.problems), []);
  });
});
