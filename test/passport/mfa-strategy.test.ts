import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import request from 'supertest';
import { createMfa, MemoryStore } from '../../src/index.js';
import type { MfaFailureInfo, MfaSuccessInfo } from '../../src/index.js';
import { FakeClock } from '../support/fake-clock.js';
import { beginTotpSetup, submitCode, totpCode, wrongCode } from '../support/mfa-flow.js';
import type { Agent } from '../support/mfa-flow.js';

const USER = { id: 'u1', username: 'alice' } as const;

/**
 * A host that verifies the second step in a route of its own with passport.authenticate('mfa'),
 * as the README shows, instead of the package's pages: POST /second-step answers JSON with what
 * the strategy decided.
 */
function host(clock: FakeClock) {
  const pp = new passport.Passport();
  pp.serializeUser<string>((user, done) => done(null, (user as typeof USER).id));
  pp.deserializeUser<string>((id, done) => done(null, id === USER.id ? USER : false));
  const mfa = createMfa({ issuer: 'Contoso', store: new MemoryStore({ warn: () => {} }), passport: pp, secretKey: randomBytes(32), clock: clock.now });

  const app = express();
  app.use(session({ secret: randomBytes(16).toString('hex'), resave: false, saveUninitialized: false }));
  app.use(pp.initialize(), pp.session());
  app.use(mfa.router);
  app.use(express.urlencoded({ extended: false }));
  app.post('/test-login', (req: Request, res: Response, next: NextFunction) => req.login(USER, (err) => (err ? next(err) : res.status(204).end())));
  app.get('/account', mfa.requireSecondFactor(), (_req, res) => void res.json({ ok: true }));
  app.get('/csrf', (req, res) => void res.json({ token: mfa.csrf.token(req) }));
  const second = (options: object) => (req: Request, res: Response, next: NextFunction) =>
    pp.authenticate('mfa', options, (err: unknown, user: unknown, info: MfaSuccessInfo | MfaFailureInfo) => {
      if (err) return next(err);
      res.status(user ? 200 : (info as MfaFailureInfo).status).json({ user, info });
    })(req, res, next);
  app.post('/second-step', mfa.csrf.verify, second({ session: false }));
  app.post('/second-step-with-session', mfa.csrf.verify, second({}));
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => void res.status(500).json({ error: error.name, message: error.message }));
  return { app, mfa };
}

describe("the 'mfa' strategy in a host's own route", () => {
  let clock: FakeClock;
  let h: ReturnType<typeof host>;
  let secret: string;

  beforeEach(async () => {
    clock = new FakeClock();
    h = host(clock);
    const enrolling = request.agent(h.app);
    await enrolling.post('/test-login');
    secret = await beginTotpSetup(enrolling);
    assert.equal((await submitCode(enrolling, '/mfa/setup/totp', totpCode(secret, clock.now()))).status, 303);
    clock.advance(60_000);
  });

  /** A new browser past the first factor, whose second step the guard has started. */
  async function halfSignedIn(): Promise<Agent> {
    const a = request.agent(h.app) as unknown as Agent;
    await a.post('/test-login');
    assert.equal((await a.get('/account').redirects(0)).status, 303);
    return a;
  }

  const post = async (a: Agent, path: string, fields: Record<string, unknown>) => {
    const { token } = (await a.get('/csrf')).body as { token: string };
    return a.post(path).type('form').send({ _csrf: token, ...fields }).redirects(0);
  };

  it('is named strategyName (createMfa registered it on the given Passport instance: the routes below use it)', () => {
    assert.equal(h.mfa.strategy.name, 'mfa');
  });

  it('succeeds with a valid code: new session id, the completed factor recorded, the guard lets the user through', async () => {
    const a = await halfSignedIn();
    const res = await post(a, '/second-step', { code: totpCode(secret, clock.now()) });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.user, USER);
    assert.equal(res.body.info.method, 'totp');
    assert.equal(res.body.info.enrolled, false);
    assert.equal(res.body.info.returnTo, '/account');
    assert.ok(res.headers['set-cookie'], 'a new session cookie: the id was regenerated');
    assert.equal((await a.get('/account').redirects(0)).status, 200);
  });

  it('fails (not errors) with a wrong code, counting toward the lockout', async () => {
    const a = await halfSignedIn();
    for (let i = 0; i < 4; i++) {
      const res = await post(a, '/second-step', { code: wrongCode(secret, clock.now()) });
      assert.equal(res.status, 401);
      assert.equal(res.body.user, false);
      assert.equal(res.body.info.code, 'verification_failed');
    }
    const locked = await post(a, '/second-step', { code: wrongCode(secret, clock.now()) });
    assert.equal(locked.status, 429);
    assert.equal(locked.body.info.code, 'locked_out');
    assert.equal((await post(a, '/second-step', { code: totpCode(secret, clock.now()) })).body.info.code, 'locked_out', 'even the right code');
    assert.equal((await a.get('/account').redirects(0)).status, 303);
  });

  // Attack: naming a method the instance does not offer, to probe or to skip the check.
  it('fails for a method the instance does not offer, and counts it', async () => {
    const a = await halfSignedIn();
    const res = await post(a, '/second-step', { method: 'carrier_pigeon', code: totpCode(secret, clock.now()) });
    assert.equal(res.status, 400);
    assert.equal(res.body.info.code, 'invalid_input');
    assert.equal((await a.get('/account').redirects(0)).status, 303);
  });

  it('fails without a pending sign-in (the guard never started one) and without a first factor', async () => {
    const a = request.agent(h.app) as unknown as Agent;
    await a.post('/test-login');
    const none = await post(a, '/second-step', { code: totpCode(secret, clock.now()) });
    assert.equal(none.status, 409);
    assert.equal(none.body.info.code, 'pending_expired');
    const anonymous = await post(request.agent(h.app) as unknown as Agent, '/second-step', { code: totpCode(secret, clock.now()) });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.info.code, 'not_signed_in');
  });

  it('errors with a ConfigurationError when Passport would start another session (session not false)', async () => {
    const a = await halfSignedIn();
    const res = await post(a, '/second-step-with-session', { code: totpCode(secret, clock.now()) });
    assert.equal(res.status, 500);
    assert.equal(res.body.error, 'ConfigurationError');
    assert.match(res.body.message, /session: false/);
    assert.equal((await a.get('/account').redirects(0)).status, 303, 'nothing was completed');
  });
});
