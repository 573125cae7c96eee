import type { Request, Response } from 'express';
import type { ChoicePlacement, RegisteredMethod } from '../methods/registry.js';
import { sessionState } from '../second-step/session-state.js';
import { goToPage, livePending } from './flow.js';
import type { Pages } from './pages.js';
import { safeReturnTo } from './safe-return-to.js';

/**
 * Starts setting up `chosen`: any half-finished enrollment of the user is discarded, the new
 * unconfirmed factor is remembered in the pending state, and the method's own page takes over.
 * With `adding`, the pending state says so (Cancel, and success back to Security info).
 */
export async function beginEnrollment(pages: Pages, req: Request, res: Response, userId: string, chosen: { method: RegisteredMethod; choice: ChoicePlacement }, adding: boolean): Promise<void> {
  const { options, store } = pages;
  await store.core.deleteUnconfirmedFactors(userId);
  const { factorId } = await chosen.method.parts.beginSetup!({ userId, accountName: options.getAccountName(req.user!) });
  const state = sessionState(req);
  if (adding) {
    state.pending = { userId, startedAt: options.clock(), returnTo: safeReturnTo(state.returnTo, options.defaultReturnTo), enrollFactorId: factorId, adding: true };
  } else {
    const pending = await livePending(options, req, userId);
    pending.enrollFactorId = factorId;
    delete pending.adding;
    delete pending.methods;
  }
  await goToPage(options, req, res, chosen.choice.page);
}
