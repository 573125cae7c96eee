import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { DEMO_USER } from '../../example-app/app.js';
import { assertAccessible } from '../support/axe.js';
import { chromiumSkipReason, openBrowser } from '../support/browser.js';
import type { BrowserSession } from '../support/browser.js';
import { screenshotOnPhone, signIn } from '../support/browser-steps.js';
import type { Agent } from '../support/harness.js';
import { startPushHarness, withoutClosedEventStreams } from '../support/push.js';
import type { PushHarness } from '../support/push.js';

// One companion page (the example app's /authenticator) holding three accounts of the same app:
// alice, bob and carol each set up Notification with it. The page long-polls once per account, all
// to the same URL (`challenges?wait=25`, the device only in a header): a browser that let those
// requests through its HTTP cache held every poll but one behind the first (Chromium's cache lock,
// 20 s), so requests for the other accounts came late or only after reopening the page. Each wait
// below is the browser tests' 10 s step timeout: a stalled poll cannot pass it, a delivered one
// takes milliseconds. Real time throughout: the page signs with the browser's clock.

const PASSWORD = 'a long enough password';
const USERS = ['alice', 'bob', 'carol'];
/** Three more, for more accounts than a browser opens connections to one origin (six). */
const MORE_USERS = ['dave', 'erin', 'frank'];
type User = string;
const passwordOf = (name: User): string => (name === 'alice' ? DEMO_USER.password : PASSWORD);

/** The request card of `name`'s account on the companion page. */
const cardOf = (phone: Page, name: User): Locator =>
  phone.getByRole('article', { name: 'Approve sign-in request' }).filter({ hasText: `Contoso · ${name}` });

/**
 * Types the number into the card of `name` and approves (with `keyboard`: types into the field the
 * page focused when the card came, and presses Enter); the card goes away once the server took it.
 */
async function approve(phone: Page, name: User, number: string, keyboard = false): Promise<void> {
  const card = cardOf(phone, name);
  const field = card.getByLabel('Enter the number shown in your browser');
  if (keyboard) {
    assert.ok(await field.evaluate((el) => el === document.activeElement), `${name}'s request has the focus`);
    await phone.keyboard.type(number);
    await phone.keyboard.press('Enter');
  } else {
    await field.fill(number);
    await card.getByRole('button', { name: 'Approve' }).click();
  }
  await card.waitFor({ state: 'detached' });
  await phone.getByRole('status').filter({ hasText: 'Sign-in approved' }).waitFor();
}

describe('the /authenticator page with three accounts (Chromium)', { skip: chromiumSkipReason() }, () => {
  let h: PushHarness;
  let browser: BrowserSession;
  let phone: Page;

  /** A browser (HTTP) through the password step of `name`, on the verify page. */
  async function passwordStep(name: User): Promise<Agent> {
    const a = h.browser();
    await h.login(a, name, passwordOf(name));
    await a.get('/').redirects(0);
    return a;
  }

  /** "Contact me" on the verify page of `a`; returns the number shown there. */
  async function contactMe(a: Agent): Promise<string> {
    const sent = await h.post(a, '/mfa/verify/push/send', {}, '/mfa/verify');
    assert.equal(sent.headers.location, '/mfa/verify/push', sent.text.slice(0, 300));
    return h.shownNumber(a, '/mfa/verify/push');
  }

  /** The browser's last step: the approved notification completes the sign-in. */
  async function completes(a: Agent): Promise<void> {
    const done = await h.post(a, '/mfa/verify/push', { method: 'push' }, '/mfa/verify/push');
    assert.equal(done.headers.location, '/', `signed in: ${done.status} ${done.text.slice(0, 200)}`);
  }

  /** Signs `name` up (alice: in), adds the account on the page by Code and URL, approves its setup request. */
  async function addAccount(name: User): Promise<void> {
    const a = h.browser();
    if (name === 'alice') await h.login(a);
    else await h.signup(a, name, PASSWORD);
    const { code, url } = await h.beginPushSetup(a);
    await phone.getByRole('button', { name: 'Add account' }).click();
    await phone.getByRole('button', { name: 'Enter account manually' }).click();
    await phone.getByLabel('Code').fill(code);
    await phone.getByLabel('URL').fill(url);
    if (name === 'carol') await assertAccessible(phone, 'companion-add-account');
    await phone.getByRole('button', { name: 'Add', exact: true }).click();
    await phone.getByRole('status').filter({ hasText: `Account added: Contoso (${name})` }).waitFor();

    await h.post(a, '/mfa/setup/push/contact', {}, '/mfa/setup/push');
    await approve(phone, name, await h.shownNumber(a, '/mfa/setup/push/wait'));
    const done = await h.post(a, '/mfa/setup/push/wait', { method: 'push' }, '/mfa/setup/push/wait');
    assert.equal(done.status, 303, `${name}'s setup completes`);
  }

  before(async () => {
    h = await startPushHarness({ clock: Date.now });
    browser = await openBrowser();
    phone = browser.page;
    await phone.goto(`${h.origin}/authenticator`);
    await phone.getByText('No accounts yet').waitFor();
    await assertAccessible(phone, 'companion-empty');
  });
  after(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('adds three accounts on one page, each confirmed by its own setup request', async () => {
    for (const name of USERS) await addAccount(name);
    const rows = phone.locator('#auth-accounts > li');
    assert.deepEqual(await rows.locator('.auth-name').allInnerTexts(), USERS, 'listed in the order they were added');
    for (const code of await rows.locator('.auth-code').allInnerTexts()) assert.match(code, /^[0-9]{3} [0-9]{3}$/);
    await browser.screenshot('companion-01-three-accounts');
    await screenshotOnPhone(browser, 'companion-01-three-accounts-390px');
  });

  it("delivers each account's sign-in requests in turn while the page stays open", async () => {
    const order: User[] = [...USERS, 'carol', 'alice', 'bob'];
    // Every other one by keyboard alone: the page focuses a lone request's number field.
    for (const [i, name] of order.entries()) {
      const a = await passwordStep(name);
      const number = await contactMe(a);
      await cardOf(phone, name).waitFor();
      await approve(phone, name, number, i % 2 === 0);
      await completes(a);
    }
  });

  it('delivers two requests at once, and a request for one account while another waits on screen', async () => {
    const [bob, carol] = await Promise.all([passwordStep('bob'), passwordStep('carol')]);
    const [bobNumber, carolNumber] = await Promise.all([contactMe(bob), contactMe(carol)]);
    await cardOf(phone, 'bob').waitFor();
    await cardOf(phone, 'carol').waitFor();
    await browser.screenshot('companion-02-two-requests');
    await screenshotOnPhone(browser, 'companion-02-two-requests-390px');

    // Carol's card stays unanswered while alice, in a tab of the same browser (whose waiting page
    // holds an event stream open on the same origin), asks too.
    await approve(phone, 'bob', bobNumber);
    await completes(bob);
    const tab = await browser.openPage();
    await tab.goto(`${h.origin}/`);
    await signIn(tab);
    await tab.getByRole('button', { name: 'Contact me' }).click();
    const aliceNumber = (await tab.getByLabel('Number to enter').innerText()).trim();
    await cardOf(phone, 'alice').waitFor();
    await approve(phone, 'alice', aliceNumber);
    await tab.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
    await approve(phone, 'carol', carolNumber);
    await completes(carol);
    await assertAccessible(phone, 'companion-03-approved');
    await tab.close();
  });

  // Each waiting long-poll holds one of the browser's six connections to the app: six accounts
  // polling at once would leave none for the page's answers or the app's own tabs.
  it('with six accounts, a sign-in tab in the same browser still loads, and every request and answer gets through', async () => {
    for (const name of MORE_USERS) await addAccount(name);
    const tab = await browser.openPage();
    await tab.goto(`${h.origin}/`);
    await tab.getByRole('button', { name: 'Sign out' }).click(); // still signed in from the test before
    await signIn(tab);
    await tab.getByRole('button', { name: 'Contact me' }).click();
    await approve(phone, 'alice', (await tab.getByLabel('Number to enter').innerText()).trim());
    await tab.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
    // Within each user's notification budget (5 per 10 minutes): alice has used hers.
    for (const name of [...MORE_USERS, 'bob', 'carol']) {
      const a = await passwordStep(name);
      await approve(phone, name, await contactMe(a));
      await completes(a);
    }
    await tab.close();
  });

  it('ran without console errors, CSP violations or failed loads', () => {
    assert.deepEqual(withoutClosedEventStreams(browser.problems), []);
  });
});
