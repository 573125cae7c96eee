import type { Request, Response } from 'express';
import { InvalidInputError, MfaError } from '../errors.js';
import type { AddChoice } from '../methods/registry.js';
import { formBody } from '../second-step/form-body.js';
import { completedFor, sessionState } from '../second-step/session-state.js';
import { requireFreshSecondFactor } from './access.js';
import { beginEnrollment } from './begin-enrollment.js';
import { confirmedFactors } from './confirmed-factors.js';
import { goToPage, requireUserId } from './flow.js';
import { handle } from './handle.js';
import { PageRoutes } from './page-routes.js';
import type { Pages } from './pages.js';
import { renderPage } from './respond.js';
import { addFlow } from './setup-flow.js';

const ADD = '/manage/add-method';

/**
 * Add method, from Security info: pick a method, set it up on its own pages, verify it, and come
 * back to Security info ("Mobile app added"). Every page has Cancel, which discards the
 * half-set-up method. Like every change there it needs a recent second step on this session.
 */
export function addMethodRoutes(pages: Pages): PageRoutes {
  const router = new PageRoutes();
  const { options, store, registry } = pages;
  const fresh = (req: Request, res: Response) => requireFreshSecondFactor(pages, req, res, options.basePath + ADD);

  router.get(ADD, handle(pages, async (req, res) => {
    const userId = await fresh(req, res);
    if (userId === null) return;
    await renderAddPage(pages, req, res, await choicesFor(userId), null);
  }));

  router.post(ADD, handle(pages, async (req, res) => {
    const userId = await fresh(req, res);
    if (userId === null) return;
    const choices = await choicesFor(userId);
    const wanted = formBody(req).method;
    const chosen = choices.find((c) => c.method.id === wanted);
    if (!chosen) return renderAddPage(pages, req, res, choices, new InvalidInputError('Choose the method you want to add, then Next.'));
    if (chosen.kind === 'page') return goToPage(options, req, res, chosen.page);
    try {
      await beginEnrollment(pages, req, res, userId, chosen, true);
    } catch (error) {
      // A limit the method sets (e.g. most security keys allowed): said on this page, nothing started.
      if (!(error instanceof MfaError) || error.status !== 409) throw error;
      await renderAddPage(pages, req, res, choices, error);
    }
  }));

  router.post(`${ADD}/cancel`, handle(pages, async (req, res) => {
    const userId = requireUserId(options, req);
    // Only a session past its second step ever adds a method; anyone else is sent to complete it.
    if (!completedFor(req, userId)) {
      await fresh(req, res);
      return;
    }
    const state = sessionState(req);
    if (state.pending?.userId === userId && state.pending.adding) {
      // Only unconfirmed factors go: one verified meanwhile (another tab) stays.
      await store.core.deleteUnconfirmedFactors(userId);
      delete state.pending;
    }
    await goToPage(options, req, res, '/manage');
  }));

  async function choicesFor(userId: string): Promise<AddChoice[]> {
    return registry.addChoices(await confirmedFactors(pages, userId));
  }

  return router;
}

async function renderAddPage(pages: Pages, req: Request, res: Response, choices: AddChoice[], error: MfaError | null): Promise<void> {
  await renderPage(pages, req, res, 'add-method', {
    title: 'Add a method',
    choices: choices.map((c) => ({ value: c.method.id, label: c.label, hint: c.hint })),
    setupFlow: addFlow(pages),
    error: error?.message ?? null,
  }, error?.status ?? 200);
}
