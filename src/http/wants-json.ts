import type { Request } from 'express';

/** Whether the client is a script (XHR/fetch/API) that should get JSON rather than a page or redirect. */
export function wantsJson(req: Request): boolean {
  if (req.get('x-requested-with')?.toLowerCase() === 'xmlhttprequest') return true;
  if (req.is('application/json')) return true;
  return req.accepts(['html', 'json']) === 'json';
}
