import { Router } from 'express';
import type { RequestHandler } from 'express';

/** One page route, as router.get() or router.post() would register it. */
export interface PageRoute {
  method: 'GET' | 'POST';
  path: string;
  handler: RequestHandler;
}

/** Collects page routes with the get/post calls of an Express Router, for pageDispatcher(). */
export class PageRoutes {
  readonly routes: PageRoute[] = [];

  get(path: string, handler: RequestHandler): this {
    this.routes.push({ method: 'GET', path, handler });
    return this;
  }

  post(path: string, handler: RequestHandler): this {
    this.routes.push({ method: 'POST', path, handler });
    return this;
  }
}

/**
 * One middleware for all page routes, the first registered winning as in Express. Express's
 * router tries its routes one after another (POST /mfa/verify came after 30 others); a route of a
 * fixed path is found here with one lookup instead. Anything else (a path with parameters, HEAD,
 * another letter case, a trailing slash) goes through an Express Router holding every route in
 * the same order, which answers as it always did. Handlers answer or call next(error), never
 * next() to pass a request on to a later route.
 */
export function pageDispatcher(...groups: PageRoutes[]): RequestHandler {
  const routes = groups.flatMap((g) => g.routes);
  const router = Router();
  const fixed = new Map<string, RequestHandler>();
  routes.forEach((route, i) => {
    if (route.method === 'GET') router.get(route.path, route.handler);
    else router.post(route.path, route.handler);
    const key = `${route.method} ${route.path.toLowerCase()}`;
    const shadowed = routes.slice(0, i).some((earlier) => earlier.method === route.method && matchesParameters(earlier.path, route.path));
    if (!route.path.includes(':') && !shadowed && !fixed.has(key)) fixed.set(key, route.handler);
  });
  return (req, res, next) => {
    const handler = fixed.get(`${req.method} ${req.path.toLowerCase()}`);
    if (handler) return handler(req, res, next);
    router(req, res, next);
  };
}

/** Whether `pattern`, a path with :parameters, matches `path` (one segment per parameter, as Express does). */
function matchesParameters(pattern: string, path: string): boolean {
  if (!pattern.includes(':')) return false;
  const want = pattern.toLowerCase().split('/');
  const have = path.toLowerCase().split('/');
  return want.length === have.length && want.every((segment, i) => (segment.startsWith(':') ? have[i] !== '' : segment === have[i]));
}
