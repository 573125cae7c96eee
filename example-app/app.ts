import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMfa, OutboxTransport, RateLimitedError, retryAfterSeconds, safeReturnTo, securityHeaders, SqliteStore } from '../src/index.js';
import type { AppPasswordOptions, AttemptLimitOptions, MfaEvent, MfaOptions, MfaStatus, MfaStore, SmsTransport } from '../src/index.js';
import { authenticatorRoutes } from './authenticator-routes.js';
import { secondStepPhrase } from './second-step-phrase.js';
import { securityKeysAt } from './security-key-origin.js';
import { endStaleSessions, markSignedIn, SESSION_LIFETIME } from './session-lifetime.js';
import type { SessionLifetime } from './session-lifetime.js';
import { UserDirectory } from './users.js';
import type { User, Users } from './users.js';

export interface ExampleAppOptions<U extends Users = UserDirectory> {
  /** Directory for the app's SQLite files. */
  dataDir: string;
  /** The accounts. @default a UserDirectory (SQLite) in dataDir */
  users?: U;
  /** 32-byte key (hex) sealing TOTP seeds at rest. */
  secretKey: string;
  /** Secret signing the session cookie. */
  sessionSecret: string;
  /** Replace the SQLite MFA store (tests use this to simulate outages). @default SqliteStore in dataDir */
  store?: MfaStore;
  /** Injectable clock for tests. @default Date.now */
  clock?: () => number;
  /** Where MFA audit events go. @default console.log */
  onEvent?: (event: MfaEvent) => void;
  /** express-session store (tests inspect what sessions hold). @default express-session's MemoryStore */
  sessionStore?: session.Store;
  /** Sends phone codes. @default an OutboxTransport shown at /outbox */
  sms?: SmsTransport;
  /**
   * The origin phones reach the app at (push.publicOrigin: the activation URL and QR code), e.g.
   * 'https://mfa.example'. @default none: the request's own origin, loopback only (development)
   */
  publicOrigin?: string;
  /** Extra createMfa() options merged over the app's own (tests vary push, phone and fraud-report settings). */
  mfaOptions?: Partial<MfaOptions>;
  /** App-password options merged over the app's own (findUser, verifyAccountPassword). @default none */
  appPasswords?: AppPasswordOptions;
  /** How long signed-in sessions last on the server. @default SESSION_LIFETIME (30 minutes idle, 12 hours in all) */
  sessionLifetime?: Partial<SessionLifetime>;
  /** The /login attempt limit (mfa.attemptLimit). @default 10 per username and 50 per IP per 15 minutes */
  loginLimit?: Omit<AttemptLimitOptions, 'name'>;
  /**
   * Express `trust proxy`: set it when the app runs behind a reverse proxy, so req.ip (the per-IP
   * limits) and req.protocol come from X-Forwarded-For / -Proto. @default false
   */
  trustProxy?: boolean | number | string;
  /**
   * The origin people reach the app at, e.g. 'http://localhost:3000' or 'https://demo.example.com':
   * security keys are registered for its host (webauthn.rpId) and accepted only from it. Off
   * (see `securityKeysOff`) for an origin browsers refuse keys on: an IP address, or plain http
   * other than localhost. @default none (security keys are not offered)
   */
  origin?: string;
  /** Mount mfa.streams before the session (tests turn it off to check the waiting page's fallback). @default true */
  mountStreams?: boolean;
}

export const DEMO_USER = { username: 'alice', password: 'correct horse battery staple' } as const;

const here = fileURLToPath(new URL('.', import.meta.url));
/** Views live next to the sources; from dist/example-app they are two levels up. */
const viewsDir = join(here, here.includes(`${join('dist', 'example-app')}`) ? '../../example-app/views' : 'views');
const repoRoot = join(viewsDir, '..', '..');

/** The sample host app: passport-local sign-in, then passport-mfa's second step. */
export async function createExampleApp<U extends Users = UserDirectory>(options: ExampleAppOptions<U>) {
  const users = options.users ?? (new UserDirectory(join(options.dataDir, 'users.db')) as Users as U);
  // Seed the demo user once; a lookup, not a password check, so start-up does no scrypt work.
  // Instances starting together may both try: create() then finds the name taken, which is fine.
  if (!(await users.findByUsername(DEMO_USER.username))) await users.create(DEMO_USER.username, DEMO_USER.password);

  const store = options.store ?? new SqliteStore({ filename: join(options.dataDir, 'mfa.db') });
  const pp = new passport.Passport();
  // Development only: codes are kept in memory and shown to anyone at /outbox.
  const outbox = new OutboxTransport({ clock: options.clock });
  const keys = options.origin ? securityKeysAt(options.origin) : null;
  const mfa = createMfa({
    issuer: 'Contoso',
    store,
    passport: pp,
    secretKey: options.secretKey,
    clock: options.clock,
    onEvent: options.onEvent ?? ((event) => console.log('mfa event', JSON.stringify(event))),
    sms: options.sms ?? outbox,
    appPasswords: {
      findUser: (username) => users.findByUsername(username),
      // Users without MFA may still use their account password over Basic; enrolled users may not.
      verifyAccountPassword: async (user, password) => (await users.verify((user as User).username, password)) !== null,
      dummyPasswordCheck: (password) => users.dummyCheck(password),
      ...options.appPasswords,
    },
    ...(keys && 'webauthn' in keys ? { webauthn: keys.webauthn } : {}),
    ...options.mfaOptions,
    push: { ...(options.publicOrigin ? { publicOrigin: options.publicOrigin } : {}), ...options.mfaOptions?.push },
  });

  pp.use(new LocalStrategy((username, password, done) => {
    users.verify(username, password).then((user) => done(null, user ?? false), done);
  }));
  pp.use('mfa', mfa.strategy);
  pp.use('mfa-app-password', mfa.appPasswordStrategy);
  pp.serializeUser<string>((user, done) => done(null, (user as User).id));
  pp.deserializeUser<string>((id, done) => {
    Promise.resolve(users.find(id)).then((user) => done(null, user ?? false), done);
  });

  const clock = options.clock ?? Date.now;
  const lifetime = { ...SESSION_LIFETIME, ...options.sessionLifetime };
  // Checked before the slow password hash, per username and per IP, in the MFA store.
  const loginLimit = mfa.attemptLimit({ name: 'login', ...options.loginLimit });

  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  // The app's own pages get the MFA pages' headers: no framing, no caching, a strict CSP.
  app.use(securityHeaders);
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  // The companion authenticator ("the phone"): needs no session, so it comes first.
  app.use(authenticatorRoutes(repoRoot));
  // The waiting page's result stream is authorised by a token in its URL: before the session, so
  // thousands of waiting browsers cost no session lookups.
  if (options.mountStreams !== false) app.use(mfa.streams);
  app.use(session({
    name: 'example.sid',
    secret: options.sessionSecret,
    store: options.sessionStore,
    resave: false,
    saveUninitialized: false,
    // The browser drops the cookie after the idle time; endStaleSessions ends the session itself.
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: lifetime.idleMs },
  }));
  app.use(pp.initialize());
  app.use(pp.session());
  app.use(endStaleSessions(lifetime, clock));
  app.use(mfa.router);
  app.use(express.urlencoded({ extended: false, limit: '16kb' }));

  const page = (req: Request, res: Response, view: string, locals: Record<string, unknown> = {}, status = 200) =>
    res.status(status).render(view, { error: null, csrfToken: mfa.csrf.token(req), ...locals });

  /** The host's own first-factor guard: remembers where the visitor was going. */
  const requireLogin = (req: Request, res: Response, next: NextFunction) => {
    if (req.user) return next();
    req.session.returnTo = safeReturnTo(req.originalUrl, '/');
    res.redirect(303, '/login');
  };

  app.get('/login', (req, res) => page(req, res, 'login'));
  app.post('/login', mfa.csrf.verify, async (req, res, next) => {
    const { username } = req.body as Record<string, unknown>;
    if (typeof username !== 'string' || username === '' || username.length > 256) {
      return page(req, res, 'login', { error: 'Enter your username and password.' }, 400);
    }
    try {
      await loginLimit.reserve(req.ip, username);
    } catch (error) {
      if (!(error instanceof RateLimitedError)) return next(error);
      res.set('Retry-After', String(error.retryAfterSeconds));
      return page(req, res, 'login', { error: 'Too many sign-in attempts. Try again later.' }, 429);
    }
    const returnTo = safeReturnTo(req.session.returnTo, '/');
    pp.authenticate('local', (err: unknown, user: User | false) => {
      if (err) return next(err);
      if (!user) return page(req, res, 'login', { error: 'Your username or password is incorrect.' }, 401);
      loginLimit.succeeded(username).then(
        () => req.login(user, (loginErr) => {
          if (loginErr) return next(loginErr);
          markSignedIn(req, clock);
          res.redirect(303, returnTo);
        }),
        next,
      );
    })(req, res, next);
  });

  app.get('/signup', (req, res) => page(req, res, 'signup'));
  app.post('/signup', mfa.csrf.verify, async (req, res, next) => {
    const { username, password } = req.body as Record<string, unknown>;
    if (typeof username !== 'string' || !/^[A-Za-z0-9._-]{3,32}$/.test(username)) {
      return page(req, res, 'signup', { error: 'Choose a username of 3 to 32 letters, digits, dots, dashes or underscores.' }, 400);
    }
    if (typeof password !== 'string' || password.length < 12 || password.length > 256) {
      return page(req, res, 'signup', { error: 'Choose a password of at least 12 characters.' }, 400);
    }
    const user = await users.create(username, password);
    if (!user) return page(req, res, 'signup', { error: 'That username is taken.' }, 409);
    req.login(user, (err) => {
      if (err) return next(err);
      markSignedIn(req, clock);
      res.redirect(303, '/');
    });
  });

  app.post('/logout', mfa.csrf.verify, (req, res, next) => {
    req.logout((err) => (err ? next(err) : res.redirect(303, '/login')));
  });

  /**
   * A page behind the guard, shown with the session's second step (mfa.status). The guard let the
   * request through, so the step is complete; null only if it was revoked since. Express 5 passes
   * a rejection (the store down) to the error handler.
   */
  const withStatus = (show: (req: Request, res: Response, status: MfaStatus) => void) => async (req: Request, res: Response) => {
    const status = await mfa.status(req);
    if (!status) return res.redirect(303, '/login');
    show(req, res, status);
  };

  app.get('/', requireLogin, mfa.requireSecondFactor(), withStatus((req, res, status) => {
    page(req, res, 'home', { username: (req.user as User).username, mfaBase: '/mfa', secondStep: secondStepPhrase(status) });
  }));

  // A sensitive page: the second step must be at most 5 minutes old (a step-up otherwise).
  app.get('/billing', requireLogin, mfa.requireSecondFactor({ maxAge: '5m' }), withStatus((req, res, status) => {
    const verifiedAt = new Date(status.at).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
    page(req, res, 'billing', { verifiedAt, method: status.method, amr: status.amr.join(' ') });
  }));

  /** Development aid: what the outbox transport "sent", so the phone flow works on one machine. */
  app.get('/outbox', (req, res) => {
    const entries = outbox.entries().map((e) => {
      const iso = new Date(e.at).toISOString();
      return { ...e, iso, time: iso.replace('T', ' ').slice(0, 19) + ' UTC' };
    });
    page(req, res, 'outbox', { entries });
  });

  // A non-browser endpoint (mail client, script): HTTP Basic with an app password, no session.
  // curl -u 'alice:xxxx-xxxx-xxxx-xxxx-xxxx-xxxx-xxxx' http://localhost:3000/api/mail
  app.get('/api/mail', pp.authenticate('mfa-app-password', { session: false }), (req, res) => {
    res.set('Cache-Control', 'no-store').json({
      user: (req.user as User).username,
      messages: [{ from: 'it@contoso.example', subject: 'Welcome to your mailbox' }],
    });
  });

  /** The app's own refusals look like its pages in a browser; scripts get the plain sentence. */
  const problem = (req: Request, res: Response, status: number, title: string, message: string) => {
    if (req.accepts(['text', 'html']) === 'html') return void res.status(status).render('problem', { title, message });
    res.status(status).type('text').send(message);
  };

  app.use((err: { status?: number; message?: string }, req: Request, res: Response, _next: NextFunction) => {
    const retryAfter = retryAfterSeconds(err);
    // A store outage (503) is answered as such, with Retry-After, like the MFA pages do.
    const status = typeof err.status === 'number' && ((err.status >= 400 && err.status < 500) || (err.status === 503 && retryAfter !== null)) ? err.status : 500;
    if (status === 500) console.error(err);
    if (retryAfter !== null) res.set('Retry-After', String(Math.ceil(retryAfter)));
    if (status === 500) return problem(req, res, 500, 'Something went wrong', 'Something went wrong. Try again in a moment.');
    problem(req, res, status, status === 503 ? 'Temporarily unavailable' : "That didn't work", err.message ?? 'Bad request');
  });

  return {
    app,
    mfa,
    users,
    store,
    outbox,
    /** The app's 404 page: `app.use(notFound)` after the last route (start.ts does; tests add routes of their own first). */
    notFound: (req: Request, res: Response) => problem(req, res, 404, 'Page not found', 'There is no page at this address.'),
    /** Why security keys are off for `origin` (an IP address, plain http), or null. */
    securityKeysOff: keys && 'off' in keys ? keys.off : null,
    async close() {
      users.close();
      await store.close?.();
    },
  };
}

declare module 'express-session' {
  interface SessionData {
    returnTo?: string;
  }
}
