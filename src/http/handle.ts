import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Pages } from './pages.js';
import { sendError } from './respond.js';

/** Adapts an async route to Express 4 and 5 alike: whatever it throws is answered by sendError. */
export function handle(pages: Pick<Pages, 'options' | 'views'>, route: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, _next: NextFunction) => {
    route(req, res).catch((error: unknown) => sendError(pages, req, res, error));
  };
}
