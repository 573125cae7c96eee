import type { Request, Response } from 'express';
import { InvalidInputError } from '../errors.js';
import type { ChoicePlacement, RegisteredMethod } from '../methods/registry.js';
import { formBody } from '../second-step/form-body.js';
import { completedFor, sessionState, takeNotice } from '../second-step/session-state.js';
import { requireSetupAccess } from './access.js';
import { beginEnrollment } from './begin-enrollment.js';
import { requireUserId, goToPage } from './flow.js';
import { wizardFlow, wizardSummary } from './setup-flow.js';
import { handle } from './handle.js';
import type { Pages } from './pages.js';
import { renderPage } from './respond.js';
import { safeReturnTo } from './safe-return-to.js';
import { PageRoutes } from './page-routes.js';

/**
 * The first-run wizard, Additional security verification: "How should we contact you?", the
 * chosen method's own setup pages, the follow-up steps (recovery codes, backup phone, app
 * passwords), then one closing summary with Done. A user who is enrolled already adds a method
 * from Security info instead (add-method-routes.ts), never through the wizard.
 */
export function setupRoutes(pages: Pages): PageRoutes {
  const router = new PageRoutes();
  const { options, store, registry } = pages;

  router.get('/setup', handle(pages, async (req, res) => {
    const access = await requireSetupAccess(pages, req, res);
    if (access === null) return;
    if (access.enrolled) return goToPage(options, req, res, '/manage/add-method');
    await renderChoicePage(pages, req, res, access.userId, null);
  }));

  router.post('/setup', handle(pages, async (req, res) => {
    const access = await requireSetupAccess(pages, req, res);
    if (access === null) return;
    const { userId, enrolled } = access;
    const body = formBody(req);
    const chosen = choiceOf(registry.setupChoices(), field(body.contact), field(body.mode));
    if (!chosen) {
      if (enrolled) return goToPage(options, req, res, '/manage/add-method');
      return renderChoicePage(pages, req, res, userId, 'Choose how we should contact you, then Set up.', 400);
    }
    // An enrolled user posting here (an older "Add method" form) adds the method: Cancel and the end lead to Security info.
    await beginEnrollment(pages, req, res, userId, chosen, enrolled);
  }));

  router.get('/setup/done', handle(pages, async (req, res) => {
    const userId = requireUserId(options, req);
    if (!completedFor(req, userId)) return goToPage(options, req, res, '/setup');
    await renderPage(pages, req, res, 'setup-done', {
      title: 'Additional security verification',
      returnTo: safeReturnTo(sessionState(req).returnTo, options.defaultReturnTo),
      notice: takeNotice(req),
      summary: await wizardSummary(pages, userId),
    });
  }));

  return router;
}

/** The choice these fields name: its contact, and its mode when the contact has modes. */
function choiceOf(choices: ReturnType<Pages['registry']['setupChoices']>, contact: string | undefined, mode: string | undefined) {
  return choices.find(({ choice }) => choice.contact.value === contact && (choice.mode === undefined || choice.mode.value === mode)) ?? null;
}

function field(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidInputError('The form was not filled in correctly.');
  return value;
}

/** The choices grouped as the page shows them: one contact entry each, its modes below it. */
function contactGroups(choices: readonly { method: RegisteredMethod; choice: ChoicePlacement }[]) {
  const groups = new Map<string, { value: string; label: string; hint: string | null; modes: { value: string; label: string; hint: string; checked: boolean }[] }>();
  for (const { method, choice } of choices) {
    const group = groups.get(choice.contact.value) ?? { ...choice.contact, hint: choice.hint ?? null, modes: [] };
    groups.set(choice.contact.value, group);
    if (choice.mode) group.modes.push({ ...choice.mode, checked: method.definition.strategyDefault === true });
  }
  return [...groups.values()];
}

/**
 * "How should we contact you?": a list of the contacts only when there are several (never a
 * one-item list), each contact's modes as radio cards, and one choice alone said in words.
 */
async function renderChoicePage(pages: Pages, req: Request, res: Response, userId: string, error: string | null, status = 200): Promise<void> {
  const choices = pages.registry.setupChoices();
  await renderPage(pages, req, res, 'setup-method', {
    title: 'Additional security verification',
    contacts: contactGroups(choices),
    only: choices.length === 1 ? choices[0]!.choice : null,
    setupFlow: await wizardFlow(pages, req, userId, 0, undefined),
    error,
  }, status);
}
