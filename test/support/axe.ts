import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

let source: string | null = null;

/**
 * axe-core's WCAG 2.x A/AA violations on the page as it is now, one line each with its impact
 * (every one fails a test, not only the serious and critical ones). axe is evaluated through the
 * DevTools protocol, which the pages' CSP (no inline scripts) does not apply to.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  source ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    type Violation = { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] };
    const axe = (window as unknown as { axe: { run(o: object): Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id} (${v.impact ?? 'no impact given'}): ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  return violations;
}

/** Fails on any axe-core violation of the page as it is now, naming the page state. */
export async function assertAccessible(page: Page, name: string): Promise<void> {
  assert.deepEqual(await axeViolations(page), [], `${name}: axe-core finds no accessibility violations`);
}
