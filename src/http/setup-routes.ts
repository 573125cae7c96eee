import type { Request, Response } from 'express';
import { InvalidInputError } from '../errors.js';
import type { ChoicePlacement, RegisteredMethod } from '../methods/registry.js';
import { formBody } from '../second-step/form-body.js';
import { completedFor, sessionState } from '../second-step/session-state.js';
import { requireSetupAccess } from './access.js';
import { livePending, requireUserId, goToPage } from './flow.js';
import { handle } from './handle.js';
import type { Pages } from './pages.js';
import { renderPage } from './respond.js';
import { safeReturnTo } from './safe-return-to.js';
import { PageRoutes } from './page-routes.js';

/** Additional security verification: "How should we contact you?", then the chosen method's own setup pages, then Done. */
export function setupRoutes(pages: Pages): PageRoutes {
  const router = new PageRoutes();
  const { options, store, registry } = pages;

  router.get('/setup', handle(pages, async (req, res) => {
    if ((await requireSetupAccess(pages, req, res)) === null) return;
    await renderChoicePage(pages, req, res, null);
  }));

  router.post('/setup', handle(pages, async (req, res) => {
    const userId = await requireSetupAccess(pages, req, res);
    if (userId === null) return;
    const body = formBody(req);
    const chosen = choiceOf(registry.setupChoices(), field(body.contact), field(body.mode));
    if (!chosen) return renderChoicePage(pages, req, res, 'Choose how we should contact you, then Set up.', 400);
    await store.core.deleteUnconfirmedFactors(userId);
    const { factorId } = await chosen.method.parts.beginSetup!({ userId, accountName: options.getAccountName(req.user!) });
    const pending = await livePending(options, req, userId);
    pending.enrollFactorId = factorId;
    delete pending.methods;
    await goToPage(options, req, res, chosen.choice.page);
  }));

  router.get('/setup/done', handle(pages, async (req, res) => {
    const completed = completedFor(req, requireUserId(options, req));
    if (!completed) return goToPage(options, req, res, '/setup');
    const setup = registry.get(completed.method)?.definition.setup;
    await renderPage(pages, req, res, 'setup-done', {
      title: 'Additional security verification',
      returnTo: safeReturnTo(sessionState(req).returnTo, options.defaultReturnTo),
      done: setup?.kind === 'choice' ? setup.done : 'Your sign-in method is set up.',
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
  const groups = new Map<string, { value: string; label: string; modes: { value: string; label: string; hint: string; checked: boolean }[] }>();
  for (const { method, choice } of choices) {
    const group = groups.get(choice.contact.value) ?? { ...choice.contact, modes: [] };
    groups.set(choice.contact.value, group);
    if (choice.mode) group.modes.push({ ...choice.mode, checked: method.definition.strategyDefault === true });
  }
  return [...groups.values()];
}

async function renderChoicePage(pages: Pages, req: Request, res: Response, error: string | null, status = 200): Promise<void> {
  await renderPage(pages, req, res, 'setup-method', { title: 'Additional security verification', contacts: contactGroups(pages.registry.setupChoices()), error }, status);
}
