import { randomBytes } from 'node:crypto';
import type express from 'express';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import { createMfa } from '../../src/index.js';
import type { MfaOptions, MfaStore } from '../../src/index.js';

/** The user of the minimal host, and a second one (for tests of one browser switching users). */
export const HOST_USER = { id: 'u1', username: 'alice' } as const;
export const OTHER_USER = { id: 'u2', username: 'bob' } as const;
const USERS = [HOST_USER, OTHER_USER];

export interface MinimalHostOptions {
  /** The express module to build on: `express` (v5) or the `express4` alias. */
  express: typeof express;
  store: MfaStore;
  /** Put GET /account behind mfa.requireSecondFactor(). */
  guarded: boolean;
  /** @default Date.now */
  clock?: () => number;
  /** createMfa()'s push options. @default push on */
  push?: MfaOptions['push'];
}

/**
 * The smallest host passport-mfa supports: express-session (MemoryStore), a Passport instance,
 * the MFA router, a test-only sign-in that calls req.login() (POST /test-login, no password: the
 * first factor is not what is under test; `?as=u2` signs bob in, `&keepSessionInfo=1` passes that
 * option to req.login() as a host's "switch user" might) and one JSON route, GET /account, which answers 401
 * without a user so that a lost session can never pass for a granted request.
 */
export function createMinimalHost(options: MinimalHostOptions) {
  const pp = new passport.Passport();
  pp.serializeUser<string>((user, done) => done(null, (user as typeof HOST_USER).id));
  pp.deserializeUser<string>((id, done) => done(null, USERS.find((u) => u.id === id) ?? false));
  const mfa = createMfa({ issuer: 'Contoso', store: options.store, passport: pp, secretKey: randomBytes(32), clock: options.clock, push: options.push });
  pp.use('mfa', mfa.strategy);

  const app = options.express();
  app.disable('x-powered-by');
  app.use(session({ secret: randomBytes(16).toString('hex'), resave: false, saveUninitialized: false }));
  app.use(pp.initialize());
  app.use(pp.session());
  app.use(mfa.router);

  app.post('/test-login', (req: Request, res: Response, next: NextFunction) => {
    const user = req.query.as === OTHER_USER.id ? OTHER_USER : HOST_USER;
    req.login(user, { session: true, keepSessionInfo: req.query.keepSessionInfo === '1' }, (err) => (err ? next(err) : res.status(204).end()));
  });
  const account = (req: Request, res: Response) => {
    if (!req.user) return res.status(401).json({ error: 'not_signed_in' });
    res.json({ user: (req.user as typeof HOST_USER).username });
  };
  if (options.guarded) app.get('/account', mfa.requireSecondFactor(), account);
  else app.get('/account', account);

  return { app, mfa };
}
