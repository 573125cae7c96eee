import type { Request } from 'express';

/**
 * What each Accept header seen prefers, HTML or JSON. Negotiating a browser's header costs about
 * 10 µs, a few percent of a whole verification, and browsers send only a handful of distinct
 * ones. Bounded: emptied when full, and long headers are negotiated every time.
 */
const prefersJson = new Map<string, boolean>();
const REMEMBERED_HEADERS = 64;
const REMEMBERED_LENGTH = 256;

/** Whether the client is a script (XHR/fetch/API) that should get JSON rather than a page or redirect. */
export function wantsJson(req: Request): boolean {
  if (req.get('x-requested-with')?.toLowerCase() === 'xmlhttprequest') return true;
  // Only a body whose type names JSON can be JSON: most requests skip parsing the header.
  if (req.headers['content-type']?.includes('json') && req.is('application/json')) return true;
  const accept = req.headers.accept;
  if (accept === undefined || accept.length > REMEMBERED_LENGTH) return req.accepts(['html', 'json']) === 'json';
  let json = prefersJson.get(accept);
  if (json === undefined) {
    json = req.accepts(['html', 'json']) === 'json';
    if (prefersJson.size >= REMEMBERED_HEADERS) prefersJson.clear();
    prefersJson.set(accept, json);
  }
  return json;
}
