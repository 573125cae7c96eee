import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_USER } from '../../example-app/app.js';
import { axeViolations } from '../support/axe.js';
import { chromiumSkipReason } from '../support/browser.js';
import type { BrowserSession } from '../support/browser.js';
import { lookAt, screenshotOnPhone, signIn, skipOptionalSetupSteps, startBrowserHarness, submitCode } from '../support/browser-steps.js';
import { VirtualAuthenticator } from '../support/virtual-authenticator.js';
import type { BrowserHarness } from '../support/browser-steps.js';
import type { Agent, Harness } from '../support/harness.js';
import { addPhone, signInByPhone } from '../support/phone.js';

describe('Security info, sessions that end and step-up in a real browser (Chromium)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;
  let h: Harness;
  let base: string;
  let browser: BrowserSession;
  let page: Page;
  let secret: string;
  let elsewhere: Agent;

  /** lookAt() under this suite's screenshot prefix. */
  const capture = (name: string) => lookAt(browser, `sessions-${name}`);

  const path = () => new URL(page.url()).pathname;
  const row = (text: string) => page.getByRole('row').filter({ hasText: text });

  before(async () => {
    t = await startBrowserHarness();
    ({ h, base, browser, page } = t);
    // Alice enrolled the app and a backup phone earlier, in another browser that stays signed in.
    let agent: Agent;
    ({ agent, secret } = await h.enrolledUser());
    await addPhone(agent, h.latestCode);
    elsewhere = agent;
    // A page only a security key or passkey may open (none of alice's methods is one).
    h.app.get('/keys-only', h.mfa.requireSecondFactor({ phishingResistant: true }), (_req, res) => void res.send('keys only'));
  });
  after(() => t?.stop());

  it('signs in and shows the home page with its Security info and Billing links', async () => {
    await page.goto(`${base}/`);
    await signIn(page);
    h.clock.advance(30_000);
    await submitCode(page, h.codeFor(secret));
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
    await page.getByRole('link', { name: 'Security info' }).waitFor();
    await page.getByRole('link', { name: 'Billing' }).waitFor();
    await capture('home');
  });

  it('lists each method with its name, dates, Default, Rename, Make default and Delete', async () => {
    await page.getByRole('link', { name: 'Security info' }).click();
    await page.getByRole('heading', { name: 'Security info' }).waitFor();
    const app = row('Mobile app: one-time password');
    await app.getByText('Default').waitFor();
    await app.getByText('Authenticator app').waitFor();
    await app.getByRole('link', { name: 'Rename' }).waitFor();
    assert.equal(await app.getByRole('button', { name: 'Make default' }).count(), 0);
    const phone = row('Backup phone');
    await phone.getByRole('button', { name: 'Make default' }).waitFor();
    assert.equal(await phone.getByRole('link', { name: 'Rename' }).count(), 0);
    await page.getByRole('button', { name: 'Sign out everywhere' }).waitFor();
    await capture('security-info');
  });

  it('renames the app, refusing an empty name first', async () => {
    await row('Mobile app: one-time password').getByRole('link', { name: 'Rename' }).click();
    await page.getByRole('heading', { name: 'Rename' }).waitFor();
    assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Authenticator app');
    await capture('rename');

    await page.getByLabel('Name', { exact: true }).fill('   ');
    // The field is `required`; spaces pass the browser's check and are refused by the server.
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'Give the method a name of 1 to 64 characters' }).waitFor();
    assert.equal(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid'), 'true');
    await capture('rename-error');

    await page.getByLabel('Name', { exact: true }).fill('Work iPhone');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Renamed to “Work iPhone”.' }).waitFor();
    await row('Mobile app: one-time password').getByText('Work iPhone').waitFor();
    await capture('security-info-renamed');
  });

  it('makes the phone the default, and the verify page offers it first', async () => {
    await row('Backup phone').getByRole('button', { name: 'Make default' }).click();
    await page.getByRole('status').filter({ hasText: 'is now your default sign-in method' }).waitFor();
    await row('Backup phone').getByText('Default').waitFor();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page);
    assert.equal(path(), '/mfa/verify');
    // The phone is the one main action; the app's code waits behind a link.
    await page.locator('.mfa-main').getByRole('button', { name: 'Text me' }).waitFor();
    assert.equal(await page.getByLabel('Verification code').count(), 0);
    await page.getByText('SIM swap', { exact: false }).waitFor();
    await capture('verify-phone-default');
    await page.getByRole('link', { name: 'Use a verification code' }).click();
  });

  it('sends a stale step to verify again on Billing, and back to Billing afterwards', async () => {
    h.clock.advance(30_000);
    await submitCode(page, h.codeFor(secret));
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
    await page.getByRole('link', { name: 'Billing' }).click();
    await page.getByRole('heading', { name: 'Billing' }).waitFor();
    await page.getByText('amr: otp mfa').waitFor();
    await capture('billing');

    h.clock.advance(5 * 60_000 + 1);
    await page.goto(`${base}/billing`);
    assert.equal(path(), '/mfa/verify');
    await page.getByRole('heading', { name: 'Verify your identity' }).waitFor();
    await capture('billing-step-up');
    await page.getByRole('link', { name: 'Use a verification code' }).click();
    await submitCode(page, h.codeFor(secret));
    await page.getByRole('heading', { name: 'Billing' }).waitFor();
    assert.equal(path(), '/billing');
  });

  it('explains a page that needs a security key when the user has none', async () => {
    await page.goto(`${base}/keys-only`);
    assert.equal(path(), '/mfa/verify');
    await page.getByText('needs a security key or passkey, and none is set up for your account').waitFor();
    assert.equal(await page.getByLabel('Verification code').count(), 0);
    await capture('verify-security-key-needed');
  });

  it('refuses to delete the last method with a clear message', async () => {
    await page.goto(`${base}/mfa/manage`);
    await row('Mobile app: one-time password').getByRole('link', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: 'was deleted. Anyone signed in with it was signed out.' }).waitFor();
    await capture('deleted');
    await row('Backup phone').getByRole('link', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: /^You can't delete Backup phone/ }).waitFor();
    await page.getByText("This is your only sign-in method, so it can't be deleted.").waitFor();
    assert.equal(await page.getByRole('button', { name: 'Delete' }).count(), 0);
    await capture('last-method');
    await page.getByRole('link', { name: 'Back to Security info' }).click();
    assert.equal(await row('Backup phone').count(), 1);
  });

  it('"Sign out everywhere" ends the other browser and keeps this one', async () => {
    // Deleting the app just now signed out the browser that had used it; this one signs in by phone.
    assert.equal((await elsewhere.get('/').redirects(0)).headers.location, '/login');
    elsewhere = await h.halfSignedIn();
    await signInByPhone(elsewhere, h.latestCode);
    assert.equal((await elsewhere.get('/')).status, 200, 'the other browser is signed in');
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByRole('status').filter({ hasText: 'You were signed out everywhere else' }).waitFor();
    await capture('signed-out-everywhere');
    assert.equal((await elsewhere.get('/').redirects(0)).headers.location, '/login');
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
  });

  it('sends a revoked session to the sign-in page on its next request', async () => {
    await h.mfa.admin.revokeSessions(await h.userId());
    await page.goto(`${base}/mfa/manage`);
    assert.equal(path(), '/login');
    await page.goto(`${base}/`);
    assert.equal(path(), '/login');
  });

  it('ran every page without console errors, CSP violations or failed loads', () => {
    assert.deepEqual(browser.problems, []);
  });
});

describe('a step-up that needs a security key, in a real browser (Chromium, DevTools virtual authenticator)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;
  let page: Page;

  before(async () => {
    t = await startBrowserHarness({}, { securityKeys: true });
    ({ page } = t);
    await VirtualAuthenticator.attach(page);
    // Needs a security key, used within the last minute.
    t.h.app.get('/wire', t.h.mfa.requireSecondFactor({ phishingResistant: true, maxAge: '1m' }), (_req, res) => void res.send('wire transfer'));
  });
  after(() => t?.stop());

  it('offers only the key, says why, and returns to the page after it', async () => {
    await page.goto(`${t.base}/`);
    await signIn(page);
    await page.getByLabel('How should we contact you?').selectOption({ label: 'Security key' });
    await page.getByRole('button', { name: 'Set up' }).click();
    await page.getByLabel('Name', { exact: true }).fill('YubiKey');
    await page.getByRole('button', { name: 'Register security key' }).click();
    await skipOptionalSetupSteps(page);
    await page.getByRole('link', { name: 'Done' }).click();
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();

    t.h.clock.advance(2 * 60_000);
    await page.goto(`${t.base}/wire`);
    assert.equal(new URL(page.url()).pathname, '/mfa/verify');
    await page.getByText("The page you asked for needs a security key or passkey: other methods can't be used for it.").waitFor();
    await page.getByRole('button', { name: 'Use security key' }).waitFor();
    await page.waitForLoadState('load');
    await t.browser.screenshot('sessions-verify-security-key-step-up');
    await screenshotOnPhone(t.browser, 'sessions-verify-security-key-step-up-390px');
    assert.deepEqual(await axeViolations(page), [], 'verify-security-key-step-up: axe-core finds no WCAG 2.1 A/AA violation');
    await page.getByRole('button', { name: 'Use security key' }).click();
    await page.getByText('wire transfer').waitFor();
    assert.equal(new URL(page.url()).pathname, '/wire');
    assert.deepEqual(t.browser.problems, []);
  });
});
