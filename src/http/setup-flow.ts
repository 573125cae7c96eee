import type { Request } from 'express';
import type { RegisteredMethod } from '../methods/registry.js';
import { takeNotice } from '../second-step/session-state.js';
import type { FactorRecord } from '../stores/facets/core.js';
import { confirmedFactors } from './confirmed-factors.js';
import { shownName } from './factor-names.js';
import type { Pages } from './pages.js';

/** One step of the first-run wizard's indicator ("Mobile app › Recovery codes › Backup phone › App passwords"). */
export interface ProgressStep {
  label: string;
  /** `done` steps show a check mark; a `skipped` one says so; `current` is marked aria-current="step". */
  state: 'done' | 'skipped' | 'current' | 'next';
}

/**
 * What a setup page shows of the flow it belongs to: where the user is in the first-run wizard
 * (and what the step before confirmed), or, when adding a method from Security info, the
 * Cancel that discards the half-set-up method. Rendered by views/setup-flow.ejs and setup-cancel.ejs.
 */
export type SetupFlow =
  | { kind: 'wizard'; steps: ProgressStep[]; number: number; total: number; notice: string | null }
  | { kind: 'add'; cancelAction: string };

/** One line of the wizard's closing summary. */
export interface SummaryItem {
  label: string;
  detail: string;
  done: boolean;
}

/**
 * The first step's name: the chosen method's entry of "How should we contact you?" ('Mobile
 * app', 'Security key'); before a choice, the only entry there is, or 'Sign-in method'.
 */
export function firstStepLabel(pages: Pick<Pages, 'registry'>, chosen: RegisteredMethod | undefined): string {
  const setup = chosen?.definition.setup;
  if (setup?.kind === 'choice') return setup.contact.label;
  const contacts = new Set(pages.registry.setupChoices().map((c) => c.choice.contact.label));
  return contacts.size === 1 ? [...contacts][0]! : 'Sign-in method';
}

/** The wizard's indicator at step `current` (0: the first method; 1…: the follow-ups), and the notice it shows once. */
export async function wizardFlow(pages: Pages, req: Request, userId: string, current: number, chosen: RegisteredMethod | undefined): Promise<SetupFlow> {
  const followUps = pages.registry.followUpSteps;
  const labels = [firstStepLabel(pages, chosen), ...followUps.map((s) => s.placement.label)];
  const steps = await Promise.all(labels.map(async (label, i): Promise<ProgressStep> => {
    if (i === current) return { label, state: 'current' };
    if (i > current) return { label, state: 'next' };
    if (i === 0) return { label, state: 'done' };
    const summary = followUps[i - 1]!.method.parts.setupSummary;
    return { label, state: !summary || (await summary(userId)) !== null ? 'done' : 'skipped' };
  }));
  return { kind: 'wizard', steps, number: current + 1, total: steps.length, notice: takeNotice(req) };
}

/** The Cancel of a method being added from Security info. */
export function addFlow(pages: Pick<Pages, 'options'>): SetupFlow {
  return { kind: 'add', cancelAction: `${pages.options.basePath}/manage/add-method/cancel` };
}

/**
 * The closing summary: every method the user signs in with (the app or key just set up, and any
 * older ones), then what each follow-up step set up, or that it was skipped.
 */
export async function wizardSummary(pages: Pages, userId: string): Promise<SummaryItem[]> {
  const { registry } = pages;
  const choiceIds = new Set(registry.setupChoices().map((c) => c.method.id));
  const factors = (await confirmedFactors(pages, userId)).filter((f) => choiceIds.has(f.type));
  const methods = await Promise.all(factors.map(async (f: FactorRecord): Promise<SummaryItem> => ({
    label: registry.nameOf(f.type),
    detail: await shownName(pages, f),
    done: true,
  })));
  const followUps = await Promise.all(registry.followUpSteps.map(async ({ method, placement }): Promise<SummaryItem> => {
    const summary = (await method.parts.setupSummary?.(userId)) ?? null;
    return summary === null
      ? { label: placement.label, detail: 'Skipped. You can set this up any time on Security info.', done: false }
      : { label: placement.label, detail: summary, done: true };
  }));
  return [...methods, ...followUps];
}
