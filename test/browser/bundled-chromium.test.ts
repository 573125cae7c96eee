import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { openBrowser } from '../support/browser.js';
import type { BrowserSession } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium-build.js';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { listenOnLocalhost } from '../support/local-server.js';
import { missingRequirement } from '../support/requirements.js';

// The path a machine with only Node takes: @sparticuz/chromium's build, forced here even where
// Debian's Chromium is installed, so it is exercised on every machine and in CI.
async function listen(handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe('the bundled Chromium build (@sparticuz/chromium)', { skip: chromiumAvailable() ? false : missingRequirement('@sparticuz/chromium', 'npm install') }, () => {
  let h: Harness;
  let server: Awaited<ReturnType<typeof listenOnLocalhost>>;
  let browser: BrowserSession;
  before(async () => {
    h = await startHarness();
    server = await listenOnLocalhost(h.app);
    browser = await openBrowser('bundled');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await h?.stop();
  });

  it('launches through playwright-core, renders a page and takes its screenshot', async () => {
    assert.equal(browser.build.kind, 'bundled');
    assert.match(browser.build.executablePath, /chromium$/);
    assert.ok(!browser.build.args.includes('--disable-web-security'), 'the web security model stays on');
    const { page } = browser;
    await page.goto(`${server.base}/login`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const png = await page.screenshot();
    assert.ok(png.length > 1000, 'a real picture');
    await browser.screenshot('bundled-chromium-login');
  });

  // Attack surface check of the test browser itself: a browser without CSP or the same-origin
  // policy would pass every test of them, so the bundled build must enforce both.
  it('enforces the pages’ CSP and the same-origin policy', async () => {
    const { page } = browser;
    await page.goto(`${server.base}/login`);
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    assert.equal(ran, false, 'an injected inline script is blocked');
    assert.ok(browser.problems.some((p) => /Content Security Policy/.test(p)), 'and reported as a CSP violation');
    browser.problems.length = 0;

    // Two origins without any CSP, so only the same-origin policy stands between them.
    const secret = await listen((_req, res) => res.end('secret of another origin'));
    const plain = await listen((_req, res) => res.setHeader('Content-Type', 'text/html').end('<!doctype html><title>plain</title>'));
    try {
      await page.goto(plain.url);
      const read = await page.evaluate(async (u) => fetch(u).then((r) => r.text(), (e: Error) => `blocked: ${e.message}`), secret.url);
      assert.match(read, /^blocked/, 'a cross-origin read without CORS fails');
    } finally {
      secret.server.close();
      plain.server.close();
      browser.problems.length = 0;
    }
  });
});
