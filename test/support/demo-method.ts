import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import { z } from 'zod';
import { randomId } from '../../src/crypto/random.js';
import { safeEqual } from '../../src/crypto/safe-equal.js';
import { VerificationFailedError } from '../../src/errors.js';
import type { MfaEvent, MfaOptions } from '../../src/index.js';
import * as builtIn from '../../src/methods/built-in.js';
import type { SecondFactorMethod } from '../../src/methods/method.js';
import { buildMfa } from '../../src/mfa.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import type { FakeClock } from './fake-clock.js';
import type { Agent } from './mfa-flow.js';

/** Where the demo method's templates are: a host `views` directory (the package's own views/ stays untouched). */
export const DEMO_VIEWS = fileURLToPath(new URL('../../../test/fixtures/demo-views/', import.meta.url));

declare module '../../src/options.js' {
  interface MfaOptions {
    /** The demo method: one shared code (a stand-in for a real method's options). */
    demo?: { code: string; rank?: number };
  }
  interface ResolvedOptions {
    demo: { code: string; rank: number } | null;
  }
}

declare module '../../src/events.js' {
  interface MfaEventTypes {
    'demo.options_sent': true;
  }
}

/**
 * A method written only against the contract (src/methods/method.ts, page.ts), as a new method
 * would be: its own options, a choice in the wizard, an enrollment page, a browser ceremony
 * (options as JSON, then a JSON POST), an asset, a sign-in block, a Security info row with an
 * action. Its "secret" is a code from the options: it proves the plumbing, not a factor.
 */
export const demoMethod: SecondFactorMethod = {
  id: 'demo',
  name: 'Demo code',
  options: {
    key: 'demo',
    schema: z.object({ code: z.string().regex(/^[0-9]{6}$/, 'must be 6 digits'), rank: z.number().int().optional() }).strict(),
    resolve: (value) => (value === undefined ? null : { rank: 0, ...(value as { code: string; rank?: number }) }),
  },
  enabled: (options) => options.demo !== null,
  storeNeeds: () => [],
  setup: { kind: 'choice', contact: { value: 'demo', label: 'Demo code' }, position: 30, page: '/setup/demo', done: 'The demo code is set up.' },
  signInRank: 0,
  assurance: { amr: ['otp'], phishingResistant: false },
  create({ options, store, emit }) {
    const settings = options.demo!;
    return {
      async beginSetup({ userId }) {
        const id = randomId(options.random);
        await store.core.createFactor({ id, userId, type: 'demo', label: 'Demo', sealedSecret: null, data: {}, createdAt: options.clock(), confirmedAt: null, lastUsedAt: null, lastStep: null });
        return { factorId: id };
      },
      async verify({ factors, body, state, enrolling }) {
        const nonce = (state as { nonce?: string } | undefined)?.nonce;
        const code = typeof body.code === 'string' ? body.code : '';
        const noncePassed = enrolling || (typeof body.nonce === 'string' && nonce !== undefined && safeEqual(body.nonce, nonce));
        if (!factors[0] || !noncePassed || !safeEqual(code, settings.code)) return { ok: false, counts: true, reason: 'invalid_code', error: new VerificationFailedError('Wrong demo code.') };
        return { ok: true, factorId: factors[0].id };
      },
      signIn: {
        noun: 'the demo code',
        offer: async ({ own }) => (own.length > 0 ? { view: 'sign-in-demo', locals: {} } : null),
      },
      securityInfo: {
        row: async (factor) => ({ detail: `#${factor.id.slice(0, 4)}`, actions: [{ label: 'Rename', action: '/manage/demo/rename', fields: { id: factor.id } }] }),
      },
      assets: { 'demo.js': `${DEMO_VIEWS}demo-asset.js` },
      routes: [
        { method: 'GET', path: '/setup/demo', access: 'enrolling', handle: (page) => page.render('setup-demo', { title: 'Demo' }) },
        {
          method: 'POST',
          path: '/setup/demo',
          access: 'enrolling',
          async handle(page) {
            const error = await page.verify();
            if (error) page.json({ error: error.code, message: error.message }, error.status);
          },
        },
        {
          method: 'GET',
          path: '/verify/demo/options',
          access: 'sign-in',
          async handle(page) {
            const nonce = randomId(options.random);
            page.setPendingState({ nonce });
            emit({ type: 'demo.options_sent', userId: page.userId });
            page.json({ nonce });
          },
        },
        {
          method: 'POST',
          path: '/verify/demo',
          access: 'sign-in',
          async handle(page) {
            const error = await page.verify();
            if (error) page.json({ error: error.code, message: error.message }, error.status);
          },
        },
      ],
    };
  },
};

export const DEMO_USER_ID = 'u1';
/** The code of demoHost()'s demo method. */
export const DEMO_CODE = '246810';

/**
 * A host whose passport-mfa has one method more than the built-in ones (`demo`, the demo method
 * unless another definition is given, e.g. one that declares itself phishing-resistant): a
 * test-only sign-in (POST /test-login) and GET /account behind mfa.requireSecondFactor().
 */
export function demoHost(clock: FakeClock, events: Omit<MfaEvent, 'at'>[], demo: SecondFactorMethod = demoMethod) {
  const user = { id: DEMO_USER_ID, username: 'alice' };
  const pp = new passport.Passport();
  pp.serializeUser<string>((u, done) => done(null, (u as typeof user).id));
  pp.deserializeUser<string>((id, done) => done(null, id === user.id ? user : false));
  const store = new MemoryStore({ warn: () => {} });
  const options: MfaOptions = {
    issuer: 'Contoso', store, passport: pp, secretKey: randomBytes(32), clock: clock.now, views: DEMO_VIEWS, demo: { code: DEMO_CODE },
    onEvent: (e) => events.push(e),
  };
  const mfa = buildMfa(options, [...Object.values(builtIn), demo]);
  const app = express();
  app.use(session({ secret: randomBytes(16).toString('hex'), resave: false, saveUninitialized: false }));
  app.use(pp.initialize(), pp.session());
  app.use(mfa.router);
  app.post('/test-login', (req: Request, res: Response, next: NextFunction) => req.login(user, (err) => (err ? next(err) : res.status(204).end())));
  app.get('/account', mfa.requireSecondFactor(), (_req, res) => void res.json({ ok: true }));
  return { app, store, mfa };
}

/** What a page's script sends: JSON with the CSRF token (from the layout's meta tag) in its header. */
export async function postJson(a: Agent, path: string, tokenPage: string, body: object) {
  const token = /<meta name="mfa-csrf-token" content="([^"]+)">/.exec((await a.get(tokenPage)).text)![1]!;
  return a.post(path).set('x-csrf-token', token).set('accept', 'application/json').send(body).redirects(0);
}
