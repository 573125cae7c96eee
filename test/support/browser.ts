import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { assertAccessible } from './axe.js';
import { chromiumAvailable, chromiumBuild } from './chromium-build.js';
import type { ChromiumBuild } from './chromium-build.js';
import { missingRequirement } from './requirements.js';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Tests run compiled from dist/test/support; screenshots belong in the repo's own test-results/. */
const repoRoot = resolve(here, here.includes(`${sep}dist${sep}`) ? '../../..' : '../..');
export const SCREENSHOT_DIR = join(repoRoot, 'test-results', 'screenshots');

/**
 * node:test's `skip` option for a browser suite: false when a Chromium is there, Debian's or the
 * @sparticuz/chromium dev dependency's (so only an install without dev dependencies skips; in CI
 * that throws).
 */
export function chromiumSkipReason(): string | false {
  return chromiumAvailable() ? false : missingRequirement('Chromium', 'npm install (the @sparticuz/chromium dev dependency), or apt-get install chromium');
}

export interface BrowserSession {
  page: Page;
  /** Which Chromium runs: Debian's, or @sparticuz/chromium's bundled build. */
  build: ChromiumBuild;
  /**
   * What a person would notice went wrong besides the page itself: console errors (CSP
   * violations land there), uncaught script errors and failed stylesheet/image loads.
   */
  problems: string[];
  /**
   * Saves a PNG of the whole page (or one element) as test-results/screenshots/<name>.png, then
   * fails, naming the state, on any axe-core violation of that page: every state of the app a test
   * looks at (at each width it is shown in) is checked for accessibility too.
   */
  screenshot(name: string, target?: Page | Locator): Promise<string>;
  /** Another tab in the same browser (e.g. a phone page beside the sign-in page), watched for problems too. */
  openPage(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a throwaway profile, at a laptop-sized viewport: Debian's where it is
 * installed, else the bundled build (`kind` forces one). Playwright never downloads a browser.
 */
export async function openBrowser(kind: 'auto' | 'bundled' = 'auto'): Promise<BrowserSession> {
  const build = await chromiumBuild(kind);
  const userDataDir = mkdtempSync(join(tmpdir(), 'passport-mfa-chromium-'));
  // Playwright refuses --user-data-dir in args; a persistent context is how it takes a profile dir.
  const context: BrowserContext = await chromium.launchPersistentContext(userDataDir, {
    executablePath: build.executablePath,
    args: [
      // The bundled build is a headless shell and says so in its own flags.
      ...(build.kind === 'bundled' ? build.args : ['--headless']),
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
  });
  // Every step here is local and quick; a missing element should fail the test fast, not after 30 s.
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  const watch = (p: Page, tab: string): void => {
    p.on('console', (msg) => {
      // Chrome also logs every 4xx as "Failed to load resource"; the response handler below judges those.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`${tab}console: ${msg.text()}`);
    });
    p.on('pageerror', (error) => problems.push(`${tab}script: ${error.message}`));
    p.on('requestfailed', (req) => problems.push(`${tab}request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
    p.on('response', (res) => {
      // A rejected code answers the document itself with 401; only sub-resources must never fail.
      if (res.status() >= 400 && res.request().resourceType() !== 'document') problems.push(`${tab}HTTP ${res.status()}: ${res.url()}`);
    });
  };
  watch(page, '');
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  return {
    page,
    build,
    problems,
    async screenshot(name, target = page) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      if ('goto' in target) await target.screenshot({ path, fullPage: true });
      else await target.screenshot({ path });
      const shown = 'goto' in target ? target : target.page();
      // Chromium's own pages (chrome-error:, e.g. "Confirm Form Resubmission") are not the app's to fix.
      if (/^https?:/.test(shown.url())) await assertAccessible(shown, name);
      return path;
    },
    async openPage(viewport) {
      const extra = await context.newPage();
      if (viewport) await extra.setViewportSize(viewport);
      watch(extra, `tab ${context.pages().length}: `);
      return extra;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
