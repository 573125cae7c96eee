import type { Request } from 'express';

/**
 * The submitted form (or JSON object) as fields still to validate; {} when there was none, since
 * Express 5 leaves req.body undefined when no body parser matched the request.
 */
export function formBody(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}
