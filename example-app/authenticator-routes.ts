import express, { Router } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The companion authenticator page ("the phone") at /authenticator, and the modules it loads.
 * The page's script is example-app/public/authenticator.ts, compiled by tsc next to the library
 * it imports (dist/src/authenticator), so the browser resolves its relative imports under
 * /authenticator/static/ exactly as Node does under dist/. Nothing comes from a CDN.
 */
export function authenticatorRoutes(repoRoot: string): Router {
  const router = Router();
  const dist = join(repoRoot, 'dist');
  // otplib's self-contained browser build: a classic script that defines globalThis.otplib.
  const otplibGlobal = join(dirname(createRequire(import.meta.url).resolve('otplib')), 'index.global.js');
  // dist/ also holds .d.ts and .map files; the page needs only the modules.
  const scriptsOnly = (req: Request, res: Response, next: NextFunction) => (req.path.endsWith('.js') ? next() : res.sendStatus(404));
  const files = { index: false, fallthrough: false, maxAge: 0 } as const;

  router.use('/authenticator', pageHeaders);
  router.get('/authenticator', (_req, res) => res.render('authenticator'));
  router.get('/authenticator/static/otplib.js', (_req, res) => res.type('js').sendFile(otplibGlobal));
  router.get('/authenticator/static/authenticator.css', (_req, res) => res.type('css').sendFile(join(repoRoot, 'example-app', 'public', 'authenticator.css')));
  router.use('/authenticator/static/example-app/public', scriptsOnly, express.static(join(dist, 'example-app', 'public'), files));
  router.use('/authenticator/static/src/authenticator', scriptsOnly, express.static(join(dist, 'src', 'authenticator'), files));
  // The protocol modules the client shares with the server (pure functions, no Node imports).
  for (const name of ['canonical-json.js', 'enrollment-uri.js', 'protocol-version.js', 'request-signing-input.js']) {
    router.get(`/authenticator/static/src/push/${name}`, (_req, res) => res.type('js').sendFile(join(dist, 'src', 'push', name)));
  }
  return router;
}

/** Keys live on this page, so it gets the same lock-down as the MFA pages, plus the camera for QR scanning. */
function pageHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(self)',
    'Content-Security-Policy':
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; media-src 'self' blob:; " +
      "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  });
  next();
}
