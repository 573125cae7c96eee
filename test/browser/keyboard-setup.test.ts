import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { DEMO_USER } from '../../example-app/app.js';
import { chromiumSkipReason } from '../support/browser.js';
import { scanQr, screenshotOnPhone, startBrowserHarness } from '../support/browser-steps.js';
import type { BrowserHarness } from '../support/browser-steps.js';

// Someone who cannot use a mouse signs in and picks their first method with the keyboard alone:
// Tab to reach things, arrow keys inside the group of method cards, Space/Enter to act. Where the
// focus is must show clearly on the card itself, not only on its 16 px control.

/** Presses Tab until `target` has the focus; fails after `most` presses. */
async function tabTo(page: Page, target: Locator, most = 25): Promise<void> {
  for (let i = 0; i < most; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${String(target)}`);
}

/** The focused element's name as assistive technology reads it (its label's text). */
const focusedRadioName = (page: Page): Promise<string | null> =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    return el?.type === 'radio' ? (el.labels?.[0]?.textContent ?? '').replace(/\s+/g, ' ').trim() : null;
  });

interface Ring { focusVisible: boolean; style: string; width: number; contrast: number }

/**
 * The focus ring drawn around the card (the <label>) holding the focused control: its outline, and
 * its contrast against what is behind it (the first ancestor with a background colour).
 */
function ringOf(control: Locator): Promise<Ring> {
  return control.evaluate((el) => {
    const rgb = (color: string): number[] => (color.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]): number => {
      const [R, G, B] = [r!, g!, b!].map((c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
      return 0.2126 * R! + 0.7152 * G! + 0.0722 * B!;
    };
    const card = (el as HTMLInputElement).labels?.[0] ?? el;
    const style = getComputedStyle(card);
    let behind = card.parentElement;
    while (behind && (rgb(getComputedStyle(behind).backgroundColor)[3] ?? 1) === 0) behind = behind.parentElement;
    const [a, b] = [luminance(rgb(style.outlineColor)), luminance(rgb(behind ? getComputedStyle(behind).backgroundColor : 'rgb(255,255,255)'))];
    return {
      focusVisible: el.matches(':focus-visible'),
      style: style.outlineStyle,
      width: parseFloat(style.outlineWidth),
      contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
    };
  });
}

/** Fails unless the card of `control` shows a ring of at least 2 px with 3:1 contrast (WCAG 1.4.11). */
async function assertRing(control: Locator, name: string): Promise<void> {
  const ring = await ringOf(control);
  assert.ok(ring.focusVisible, `${name}: keyboard focus counts as :focus-visible`);
  assert.notEqual(ring.style, 'none', `${name}: the card draws a focus ring`);
  assert.ok(ring.width >= 2, `${name}: the ring is at least 2 px wide (${ring.width})`);
  assert.ok(ring.contrast >= 3, `${name}: the ring stands out 3:1 from the page behind it (${ring.contrast.toFixed(2)})`);
}

describe('the first-run choice of method with the keyboard only (Chromium)', { skip: chromiumSkipReason() }, () => {
  let t: BrowserHarness;

  before(async () => {
    t = await startBrowserHarness();
  });
  after(() => t?.stop());

  it('signs in, moves between the method cards with a visible focus ring, and sets up One-time password', async () => {
    const { page, base, browser, h } = t;
    await page.goto(`${base}/login`);
    await tabTo(page, page.getByLabel('Username'));
    await page.keyboard.type(DEMO_USER.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(DEMO_USER.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Additional security verification' }).waitFor();

    // A radio group is one Tab stop (the selected card); the arrow keys move round it, selecting as they go.
    const radios = page.getByRole('radio');
    const count = await radios.count();
    assert.ok(count >= 2, 'there is a choice to make');
    await tabTo(page, page.locator('input[type=radio]:checked'));
    const visited = new Set<string>();
    for (let i = 0; i < count; i++) {
      const focused = page.locator('input[type=radio]:focus');
      const name = (await focusedRadioName(page))!;
      visited.add(name);
      await assertRing(focused, name);
      assert.ok(await focused.isChecked(), `${name}: the focused card is the selected one`);
      await page.keyboard.press('ArrowDown');
    }
    assert.equal(visited.size, count, `the arrow keys reach every card (${[...visited].join(' | ')})`);
    const otp = page.getByRole('radio', { name: 'One-time password' });
    for (let i = 0; i < count && !(await otp.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('ArrowDown');
    assert.ok(await otp.isChecked(), 'One-time password is selected');
    await assertRing(otp, 'One-time password');
    await browser.screenshot('keyboard-01-method-focus');
    await screenshotOnPhone(browser, 'keyboard-01-method-focus-390px');

    await page.keyboard.press('Tab');
    const ring = await ringOf(otp);
    assert.equal(ring.style, 'none', 'the ring leaves the card with the focus');
    const submit = page.locator('form button[type=submit]:focus');
    await submit.waitFor();
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: 'Configure mobile app' }).waitFor();
    const secret = new URL(await scanQr(page.getByAltText('QR code'))).searchParams.get('secret') ?? '';
    await tabTo(page, page.getByLabel('Verification code'));
    await page.keyboard.type(h.codeFor(secret));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Recovery codes' }).waitFor();
    assert.deepEqual(browser.problems, []);
  });
});
