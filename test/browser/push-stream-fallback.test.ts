import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_USER } from '../../example-app/app.js';
import { chromiumSkipReason, openBrowser } from '../support/browser.js';
import type { BrowserSession } from '../support/browser.js';
import { signIn } from '../support/browser-steps.js';
import { startPushHarness, withoutClosedEventStreams } from '../support/push.js';
import type { PushHarness } from '../support/push.js';

// A host that does not mount mfa.streams: the waiting page's capability stream URL answers 404,
// and the page's script must fall back to the session-bound stream and still sign in by itself.
describe('waiting page without mfa.streams falls back to the session stream (Chromium)', { skip: chromiumSkipReason() }, () => {
  let h: PushHarness;
  let browser: BrowserSession;

  before(async () => {
    h = await startPushHarness({ mountStreams: false });
    h.clock.nowMs = Date.now();
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('signs in when the phone approves, over GET /mfa/verify/push/events', async () => {
    const { phone, account } = await h.enrolledPushUser();
    const { page } = browser;
    await page.goto(`${h.origin}/`);
    await signIn(page);
    const fallback = page.waitForRequest((r) => new URL(r.url()).pathname === '/mfa/verify/push/events');
    await page.getByRole('button', { name: 'Contact me' }).click();
    const number = (await page.getByLabel('Number to enter').innerText()).trim();
    await fallback;
    const [challenge] = await phone.waitForChallenges(account, 0);
    await phone.answer(account, challenge!.id, 'approve', { number });
    await page.getByRole('heading', { name: `Signed in as ${DEMO_USER.username}` }).waitFor();
    const problems = withoutClosedEventStreams(browser.problems);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /^HTTP 404: \S+\/mfa\/push-events\/[\w-]+\.[\w-]+$/, 'only the unmounted capability stream failed');
  });
});
