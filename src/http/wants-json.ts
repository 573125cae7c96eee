import type { Request } from 'express';

/** Whether the client is a script (XHR/fetch/API) that should get JSON rather than a page or redirect. */
export function wantsJson(req: Request): boolean {
  if (req.get('x-requested-with')?.toLowerCase() === 'xmlhttprequest') return true;
  // Only a body whose type names JSON can be JSON: most requests skip parsing the header.
  if (req.headers['content-type']?.includes('json') && req.is('application/json')) return true;
  return req.accepts(['html', 'json']) === 'json';
}
