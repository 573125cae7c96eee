import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumSkipReason } from '../support/browser.js';
import { pageContent, screenshotOnPhone, signIn, startBrowserHarness } from '../support/browser-steps.js';
import type { BrowserHarness } from '../support/browser-steps.js';

// Error pages a person can land on, seen in a browser: each says what happened in its title and
// heading, is styled like the rest, and passes axe-core at both widths (browser.screenshot checks).

describe('error pages in a browser: an unknown address, an expired form (Chromium)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;

  before(async () => {
    t = await startBrowserHarness();
    t.h.app.use(t.h.notFound);
  });
  after(() => t?.stop());

  it('an unknown address under /mfa gets the styled "Page not found" with a way on', async () => {
    const { page, base, browser } = t;
    const response = await page.goto(`${base}/mfa/no-such-page`);
    assert.equal(response?.status(), 404);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    assert.match(await page.title(), /^Page not found/);
    await page.getByRole('link', { name: 'Go to Security info' }).waitFor();
    assert.ok(await page.locator('.mfa-card').isVisible(), 'inside the same card as every other page');
    await browser.screenshot('error-404');
    await screenshotOnPhone(browser, 'error-404-390px');
  });

  it("an unknown address of the sample app itself gets its styled \"Page not found\" with the way home", async () => {
    const { page, base, browser } = t;
    const response = await page.goto(`${base}/no-such-page`);
    assert.equal(response?.status(), 404);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    assert.match(await page.title(), /^Page not found · Contoso/);
    await page.getByRole('link', { name: 'Go to the home page' }).waitFor();
    await browser.screenshot('example-app-404');
    await screenshotOnPhone(browser, 'example-app-404-390px');
  });

  it('a form sent with a token the session no longer knows gets "This page expired", and nothing changes', async () => {
    const { page, base, browser, h } = t;
    await page.goto(`${base}/`);
    await signIn(page);
    await page.getByRole('heading', { name: 'Additional security verification' }).waitFor();
    // What a tab left open across a sign-out and a new sign-in sends: a token of an older session.
    await pageContent(page).locator('input[name=_csrf]').evaluate((input: HTMLInputElement) => {
      input.value = 'a-token-of-another-session';
    });
    const response = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/mfa/setup');
    await page.getByRole('button', { name: 'Set up' }).click();
    assert.equal((await response).status(), 403);
    await page.getByRole('heading', { name: 'This page expired' }).waitFor();
    await browser.screenshot('error-403-page-expired');
    await screenshotOnPhone(browser, 'error-403-page-expired-390px');
    assert.deepEqual(await h.store.core.listFactors(await h.userId()), [], 'no method was started');
    assert.deepEqual(browser.problems, []);
  });
});
