import type { Request, RequestHandler, Router } from 'express';
import type CustomStrategy from 'passport-custom';
import type { MfaContext } from './context.js';
import { SecretBox } from './crypto/secret-box.js';
import { csrfToken, requireCsrf } from './http/csrf.js';
import { createGuard } from './http/guard.js';
import { createPushStreams } from './http/push-streams.js';
import type { NodeMiddleware } from './http/push-streams.js';
import { createRouter } from './http/router.js';
import { ViewRenderer } from './http/views.js';
import { PushMethod } from './methods/push.js';
import { TotpMethod } from './methods/totp.js';
import { resolveOptions } from './options.js';
import type { MfaOptions } from './options.js';
import { createMfaStrategy } from './passport/mfa-strategy.js';
import { LockoutPolicy } from './policy/lockout.js';
import { PushBudget } from './push/budget.js';
import { PinPolicy } from './push/pin-policy.js';
import { guardStore } from './stores/guarded-store.js';

export interface Mfa {
  /** Mount with app.use(mfa.router): the setup, verification and self-service pages under basePath. */
  router: Router;
  /**
   * Mount with app.use(mfa.streams) BEFORE the session middleware: serves the waiting page's
   * result stream (`<basePath>/push-events/<token>`) without a session lookup, so thousands of
   * browsers can wait cheaply. Without it the page falls back to `<basePath>/verify/push/events`.
   */
  streams: NodeMiddleware;
  /** Register with passport.use('mfa', mfa.strategy). */
  strategy: CustomStrategy;
  /** Middleware for host routes that need both factors. */
  requireSecondFactor(): RequestHandler;
  /**
   * The CSRF protection the MFA pages use, for the host's own forms (login, sign out):
   * `token(req)` for a hidden `_csrf` field, `verify` as middleware after a body parser.
   */
  csrf: { token(req: Request): string; verify: RequestHandler };
  /** Operations for the host's own admin tooling. */
  admin: {
    /** Clear a user's failure count and lock (including the hard lock after 100 failures). */
    unlock(userId: string): Promise<void>;
    /** Remove every second factor of a user (e.g. after identity re-proofing). */
    resetFactors(userId: string): Promise<number>;
  };
}

/** Builds one passport-mfa instance from one options object (validated here, at startup). */
export function createMfa(input: MfaOptions): Mfa {
  const options = resolveOptions(input);
  const emit: MfaContext['emit'] = (event) => {
    try {
      options.onEvent({ ...event, at: options.clock() });
    } catch (error) {
      console.error('passport-mfa: onEvent hook threw', error);
    }
  };
  const store = guardStore(options.store, (cause) => {
    emit({ type: 'store.unavailable', userId: null, reason: cause instanceof Error ? cause.message : String(cause) });
  });
  const box = new SecretBox(options.keys, options.random);
  const totp = new TotpMethod({ store, box, issuer: options.issuer, settings: options.totp, clock: options.clock, random: options.random });
  const { push: pushSettings, clock, random } = options;
  const ctx: MfaContext = {
    options,
    store,
    box,
    totp,
    lockout: new LockoutPolicy(store, options.lockout, options.clock),
    push: new PushMethod({
      store, box, totp, issuer: options.issuer, settings: pushSettings, clock, random, emit,
      budget: new PushBudget(store, pushSettings, clock),
      pins: new PinPolicy(store, { length: pushSettings.pinLength, maxFailures: pushSettings.maxPinFailures }, clock, random),
    }),
    views: new ViewRenderer({
      overrideDir: options.views,
      globals: { issuer: options.issuer, basePath: options.basePath, loginPath: options.loginPath },
    }),
    emit,
  };
  const admin: Mfa['admin'] = {
    unlock: (userId) => store.resetFailures(userId),
    resetFactors: async (userId) => {
      const factors = await store.listFactors(userId);
      for (const f of factors) await store.deleteFactor(userId, f.id);
      return factors.length;
    },
  };
  ctx.admin = admin;
  return {
    router: createRouter(ctx),
    streams: createPushStreams(ctx),
    strategy: createMfaStrategy(ctx),
    requireSecondFactor: createGuard(ctx),
    csrf: { token: (req) => csrfToken(req, options.random), verify: requireCsrf },
    admin,
  };
}
