import { AttemptLimit } from './policy/attempt-limit.js';
import type { AttemptLimitOptions } from './policy/attempt-limit.js';
import type { Request, RequestHandler, Router } from 'express';
import type { Strategy } from 'passport';
import { SecretBox } from './crypto/secret-box.js';
import type { Emit } from './events.js';
import { csrfToken, requireCsrf } from './http/csrf.js';
import { deviceRoutes } from './http/device-routes.js';
import { createGuard } from './http/guard.js';
import type { Pages } from './http/pages.js';
import { createPushStreams } from './http/push-streams.js';
import type { NodeMiddleware } from './http/push-streams.js';
import { createRouter } from './http/router.js';
import { ViewRenderer } from './http/views.js';
import { appPasswordsOf } from './methods/app-passwords/index.js';
import { AttemptRunner } from './methods/attempt.js';
import * as builtIn from './methods/built-in.js';
import { pushApiOf } from './methods/push/index.js';
import { recoveryCodesOf } from './methods/recovery/index.js';
import type { SecondFactorMethod } from './methods/method.js';
import { MethodRegistry } from './methods/registry.js';
import { resolveOptions } from './options.js';
import type { MfaOptions } from './options.js';
import { createAppPasswordStrategy } from './passport/app-password-strategy.js';
import { createMfaStrategy } from './passport/mfa-strategy.js';
import { LockoutPolicy } from './policy/lockout.js';
import { guardStore, refuseAbsentFacets } from './stores/guarded-store.js';
import type { CompleteStore } from './stores/guarded-store.js';
import { requireFacets } from './stores/require-facets.js';
import type { MfaStatus } from './policy/assurance.js';
import { SessionGenerations } from './policy/session-generation.js';
import type { StepUpOptions } from './policy/step-up.js';
import { keepSignedIn, sessionStatus } from './http/session-check.js';

export interface Mfa {
  /** Mount with app.use(mfa.router): the setup, verification and self-service pages under basePath. */
  router: Router;
  /**
   * Mount with app.use(mfa.streams) BEFORE the session middleware: serves the waiting page's
   * result stream (`<basePath>/push-events/<token>`) without a session lookup, so thousands of
   * browsers can wait cheaply. Without it the page falls back to `<basePath>/verify/push/events`.
   */
  streams: NodeMiddleware;
  /**
   * The 'mfa' Passport strategy, for hosts that verify the second step in routes of their own
   * with passport.authenticate('mfa', { session: false }); createMfa() registers it on `passport`
   * as `strategyName`. The package's own pages do not need it.
   */
  strategy: Strategy;
  /**
   * Middleware for host routes that need both factors. With `maxAge`, a session whose second step
   * is older verifies again and comes back to the same URL (a step-up); with `phishingResistant`,
   * only a security key or passkey counts. Scripts get 401 JSON (`mfa_required`, `mfa_step_up`
   * with an RFC 9470-style WWW-Authenticate) instead of a redirect. Options are checked when the
   * middleware is built: a ConfigurationError at startup, not at the first request.
   */
  requireSecondFactor(options?: StepUpOptions): RequestHandler;
  /**
   * How this request's session passed the second step: the user, the method and factor, when, the
   * RFC 8176 `amr` values and whether it was phishing-resistant, for the host's own tokens (`amr`,
   * `acr`, `auth_time`). Null when the session has not completed the step, or it was revoked.
   */
  status(req: Request): Promise<MfaStatus | null>;
  /**
   * The CSRF protection the MFA pages use, for the host's own forms (login, sign out):
   * `token(req)` for a hidden `_csrf` field, `verify` as middleware after a body parser.
   */
  csrf: { token(req: Request): string; verify: RequestHandler };
  /** Operations for the host's own admin tooling. */
  admin: {
    /** Clear a user's failure count and lock (including the hard lock after 100 failures). */
    unlock(userId: string): Promise<void>;
    /**
     * Remove every second factor of a user (e.g. after identity re-proofing), their security keys'
     * credentials and their recovery codes, and end all their sessions; returns how many factors
     * were removed. App passwords stay: revokeAppPasswords() ends them.
     */
    resetFactors(userId: string): Promise<number>;
    /**
     * Call after the user's account password was reset or changed: ends all their signed-in
     * sessions and revokes all their app passwords (returns how many), since whoever knew the
     * old password may have signed in or made some. `keep`: the request of the session that
     * changed the password, which stays signed in.
     */
    onPasswordReset(user: Express.User, options?: { keep?: Request }): Promise<number>;
    /**
     * Ends every signed-in session of a user: each is refused on its next request, on every
     * instance, within `sessionCheckCacheMs` at most (at once where wake-ups arrive).
     */
    revokeSessions(userId: string): Promise<void>;
    /**
     * Revokes all app passwords of a user (returns how many). The hook point for a fraud report
     * ("this wasn't me") and for administrators.
     */
    revokeAppPasswords(userId: string): Promise<number>;
  };
  /**
   * HTTP Basic with app passwords for non-browser endpoints. Register with
   * passport.use('mfa-app-password', mfa.appPasswordStrategy) and protect a route with
   * passport.authenticate('mfa-app-password', { session: false }). Needs appPasswords.findUser.
   */
  appPasswordStrategy: Strategy;
  /**
   * A limit on the host's own password checks, e.g. its login form, counted in the store per
   * username and per client IP: `const limit = mfa.attemptLimit({ name: 'login' })`, then
   * `await limit.reserve(req.ip, username)` before checking the password (throws
   * RateLimitedError: answer 429 with Retry-After) and `await limit.succeeded(username)` after a
   * correct one. Options are checked here (ConfigurationError).
   */
  attemptLimit(options: AttemptLimitOptions): AttemptLimit;
}

/** Builds one passport-mfa instance from one options object (validated here, at startup). */
export function createMfa(input: MfaOptions): Mfa {
  return buildMfa(input, Object.values(builtIn));
}

/** createMfa() with the methods given (the built-in ones, in the package): the seam that tests a method of their own through. */
export function buildMfa(input: MfaOptions, methods: readonly SecondFactorMethod[]): Mfa {
  const options = resolveOptions(input, methods);
  const emit: Emit = (event) => {
    try {
      options.onEvent({ ...event, at: options.clock() });
    } catch (error) {
      console.error('passport-mfa: onEvent hook threw', error);
    }
  };
  // Set once the methods exist: what the Basic check trusts without the store ends with a store failure.
  let forgetBasicChecks = (): void => {};
  const storeAsGiven = guardStore(options.store, (cause) => {
    forgetBasicChecks();
    emit({ type: 'store.unavailable', userId: null, reason: cause instanceof Error ? cause.message : String(cause) });
  });
  // Meanwhile waiters re-read the store every second; the host's monitoring should still hear of it.
  options.wakeup.onConnectionChange?.(({ connected, error }) => {
    emit(connected ? { type: 'wakeup.reconnected', userId: null } : { type: 'wakeup.disconnected', userId: null, reason: error?.message });
  });
  const complete = refuseAbsentFacets(storeAsGiven);
  const sessions = new SessionGenerations({
    generations: complete.sessionGenerations,
    factors: complete.core,
    wakeup: options.wakeup,
    clock: options.clock,
    cacheMs: options.sessionCheckCacheMs,
  });
  const store: CompleteStore = { ...complete, core: sessions.watchRemovals(complete.core) };
  const revokeSessions = async (userId: string, reason: string): Promise<void> => {
    await sessions.revoke(userId);
    emit({ type: 'sessions.revoked', userId, reason });
  };
  const attempts = new AttemptRunner({ lockout: new LockoutPolicy(store, options.lockout, options.clock), emit });
  const revokeAppPasswords = async (userId: string, reason: string): Promise<number> => {
    const revoked = await appPasswordsOf(registry).revokeAll(userId);
    if (revoked > 0) emit({ type: 'app_password.revoked', userId, reason });
    return revoked;
  };
  const registry: MethodRegistry = new MethodRegistry(methods, {
    options, store, storeAsGiven, box: new SecretBox(options.keys, options.random), attempts, emit, revokeAppPasswords, revokeSessions,
  });
  forgetBasicChecks = () => appPasswordsOf(registry).cache?.clear();
  // After the methods' own needs, so that a store lacking a method's facet hears about that first.
  requireFacets(options.store, [{ feature: 'ending sessions ("Sign out everywhere", revocations; always on)', facets: ['sessionGenerations'], orElse: 'use MemoryStore, SqliteStore or PostgresStore' }]);
  const pages: Pages = {
    options,
    store,
    registry,
    sessions,
    revokeSessions,
    emit,
    views: new ViewRenderer({
      overrideDir: options.views,
      globals: { issuer: options.issuer, basePath: options.basePath, loginPath: options.loginPath },
    }),
  };
  const push = pushApiOf(registry);
  const admin: Mfa['admin'] = {
    unlock: (userId) => store.core.resetFailures(userId),
    resetFactors: async (userId) => {
      const factors = await store.core.listFactors(userId);
      for (const f of factors) {
        const deleted = await store.core.deleteFactor(userId, f.id);
        // As when the user deletes it on Security info (a key's credential goes, the host hears of a phone).
        if (deleted && f.confirmedAt !== null) await registry.ownerOf(f)?.parts.factorRemoved?.(f, undefined);
      }
      // Codes made before the reset (perhaps by whoever took the account over) must not outlive it.
      await recoveryCodesOf(registry)?.clear(userId);
      await revokeSessions(userId, 'factors_reset');
      return factors.length;
    },
    onPasswordReset: async (user, { keep } = {}) => {
      const userId = options.getUserId(user);
      await revokeSessions(userId, 'password_reset');
      if (keep) await keepSignedIn(sessions, keep, userId);
      return revokeAppPasswords(userId, 'password_reset');
    },
    revokeSessions: (userId) => revokeSessions(userId, 'admin'),
    revokeAppPasswords: (userId) => revokeAppPasswords(userId, 'revoked_all'),
  };
  const strategy = createMfaStrategy({ registry, options, sessions });
  options.passport.use(options.strategyName, strategy);
  return {
    router: createRouter(pages, push ? deviceRoutes({ options, store, push }) : null),
    streams: createPushStreams({ options, store, push }),
    strategy,
    requireSecondFactor: createGuard(pages),
    status: (req) => sessionStatus(sessions, options, req),
    csrf: { token: (req) => csrfToken(req, options.random), verify: requireCsrf },
    admin,
    appPasswordStrategy: createAppPasswordStrategy({ options, store, appPasswords: appPasswordsOf(registry), emit }),
    attemptLimit: (limit) => new AttemptLimit(storeAsGiven, limit, options.clock),
  };
}
