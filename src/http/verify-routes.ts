import { confirmedFactors } from './confirmed-factors.js';
import { alreadyDone, goToPage, livePending, requireUserId } from './flow.js';
import { handle } from './handle.js';
import { ExpressMethodPage } from './method-page.js';
import type { Pages } from './pages.js';
import { lockOf, renderSignInPage, signInOrder, signInUser, usedMethod } from './sign-in-page.js';
import { PageRoutes } from './page-routes.js';

/** GET /verify: the second step of every later sign-in (and re-verification before changing security info). */
export function verifyRoutes(pages: Pages): PageRoutes {
  const router = new PageRoutes();
  const { options, registry } = pages;

  router.get('/verify', handle(pages, async (req, res) => {
    const userId = requireUserId(options, req);
    if (await alreadyDone(options, req, res, userId)) return;
    // One read of the user's factors serves every method on the page.
    const factors = await confirmedFactors(pages, userId);
    if (factors.length === 0) return goToPage(options, req, res, '/setup');
    const pending = await livePending(options, req, userId);
    // Nothing is sent (e.g. an automatic notification) while every answer would be refused.
    // The page is drawn from the same reads: the lock is read once per view.
    const read = { factors, lock: await lockOf(pages, userId) };
    if (read.lock) return renderSignInPage(pages, req, res, userId, null, read);
    // A method may answer at once (a notification sent without "Contact me"), unless the user
    // made another method their default, or picked another one on this page ("Use a verification code").
    const chosen = registry.defaultFactor(factors)?.chosen === true;
    const used = usedMethod(pages, req.query.use);
    for (const [index, method] of signInOrder(pages, factors, pending.phishingResistant === true).entries()) {
      const start = method.parts.signIn!.start;
      if (!start || (chosen && index > 0) || (used !== undefined && used !== method)) continue;
      const page = new ExpressMethodPage(pages, method, req, res, { userId, pending, enrolling: null, enroll: false });
      if (await start(page, signInUser(pages, method, userId, factors))) return;
    }
    await renderSignInPage(pages, req, res, userId, null, read);
  }));

  return router;
}
