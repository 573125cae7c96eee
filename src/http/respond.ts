import type { Request, Response } from 'express';
import { MfaError, NotSignedInError, retryAfterSeconds, SessionRevokedError, StoreUnavailableError } from '../errors.js';
import { saveSession } from '../second-step/session-state.js';
import { accountContext } from './account.js';
import { csrfToken } from './csrf.js';
import { errorTitle } from './error-title.js';
import type { Pages } from './pages.js';
import { wantsJson } from './wants-json.js';

type Renders = Pick<Pages, 'options' | 'views'>;

/** Renders one page of views/ with what every page needs (CSRF token, paths, issuer). */
export async function renderPage(
  pages: Renders,
  req: Request,
  res: Response,
  page: string,
  locals: Record<string, unknown>,
  status = 200,
): Promise<void> {
  const token = csrfToken(req, pages.options.random);
  const html = await pages.views.render(page, { error: null, ...locals, csrfToken: token, account: accountContext(pages.options, req) });
  await saveSession(req);
  res.status(status).type('html').send(html);
}

/** Turns anything thrown into a 4xx/503 answer (page or JSON); only true bugs become 500. */
export async function sendError(pages: Renders, req: Request, res: Response, thrown: unknown): Promise<void> {
  const error = toMfaError(thrown);
  if (error.status >= 500 && !(error instanceof StoreUnavailableError)) {
    console.error('passport-mfa: unexpected error', thrown);
  }
  setRetryAfter(res, error);
  const message = error.expose ? error.message : 'Something went wrong. Try again.';
  if (res.headersSent) return;
  if ((error instanceof NotSignedInError || error instanceof SessionRevokedError) && !wantsJson(req)) {
    res.redirect(303, pages.options.loginPath);
    return;
  }
  if (wantsJson(req)) {
    res.status(error.status).json({ error: error.code, message });
    return;
  }
  try {
    // A signed-in visitor keeps the account bar, so "Sign out" is there on an error page too.
    const account = accountContext(pages.options, req, true);
    const csrf = account ? { csrfToken: csrfToken(req, pages.options.random) } : {};
    const html = await pages.views.render('error', { title: errorTitle(error), message, status: error.status, error: null, account, retryPath: retryPath(pages.options.basePath, req.originalUrl.split('?')[0]!), ...csrf });
    res.status(error.status).type('html').send(html);
  } catch {
    res.status(error.status).type('text').send(message);
  }
}

/** Where "Try again" leads: back to the part of the pages the failed request came from (never a URL the request names). */
function retryPath(basePath: string, path: string): string {
  for (const part of ['/setup', '/manage']) {
    const start = basePath + part;
    if (path === start || path.startsWith(`${start}/`)) return start;
  }
  return `${basePath}/verify`;
}

function toMfaError(thrown: unknown): MfaError {
  if (thrown instanceof MfaError) return thrown;
  // body-parser and friends mark client errors with a 4xx status (oversized or unreadable bodies).
  const status = (thrown as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new MfaError(status, status === 413 ? 'body_too_large' : 'bad_request', status === 413 ? 'The form was too large.' : 'The request could not be read.');
  }
  return new MfaError(500, 'internal_error', 'Something went wrong.', { expose: false, cause: thrown });
}

/** Sets Retry-After (whole seconds, rounded up) when the error says when to come back: a rate limit, a time lock, a store outage. */
export function setRetryAfter(res: Pick<Response, 'setHeader'>, error: unknown): void {
  const seconds = retryAfterSeconds(error);
  if (seconds !== null) res.setHeader('Retry-After', String(Math.ceil(seconds)));
}
