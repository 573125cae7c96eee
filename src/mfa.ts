import type { Request, RequestHandler, Router } from 'express';
import type CustomStrategy from 'passport-custom';
import type { MfaContext } from './context.js';
import { deriveSubkey } from './crypto/derive-key.js';
import { SecretBox } from './crypto/secret-box.js';
import { csrfToken, requireCsrf } from './http/csrf.js';
import { createGuard } from './http/guard.js';
import { createPushStreams } from './http/push-streams.js';
import type { NodeMiddleware } from './http/push-streams.js';
import { createRouter } from './http/router.js';
import { ViewRenderer } from './http/views.js';
import { PhoneMethod } from './methods/phone.js';
import { AppPasswordMethod } from './methods/app-password.js';
import { PushMethod } from './methods/push.js';
import { TotpMethod } from './methods/totp.js';
import { resolveOptions } from './options.js';
import type { MfaOptions } from './options.js';
import { createAppPasswordStrategy } from './passport/app-password-strategy.js';
import type { AppPasswordStrategy } from './passport/app-password-strategy.js';
import { createMfaStrategy } from './passport/mfa-strategy.js';
import { LockoutPolicy } from './policy/lockout.js';
import { PushBudget } from './push/budget.js';
import { PinPolicy } from './push/pin-policy.js';
import { guardStore, refuseAbsentFacets } from './stores/guarded-store.js';

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
    /**
     * Call after the user's account password was reset or changed: revokes all their app
     * passwords (returns how many), since whoever knew the old password may have made some.
     */
    onPasswordReset(user: Express.User): Promise<number>;
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
  appPasswordStrategy: AppPasswordStrategy;
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
  const guarded = guardStore(options.store, (cause) => {
    emit({ type: 'store.unavailable', userId: null, reason: cause instanceof Error ? cause.message : String(cause) });
  });
  const store = refuseAbsentFacets(guarded);
  const box = new SecretBox(options.keys, options.random);
  const totp = new TotpMethod({ store, box, issuer: options.issuer, settings: options.totp, clock: options.clock, random: options.random });
  const { push: pushSettings, clock, random } = options;
  const ctx: MfaContext = {
    options,
    store,
    box,
    totp,
    phone: options.sms
      ? new PhoneMethod({
          store,
          transport: options.sms,
          // The current key only: codes live ≤ 10 minutes, so a rotation costs at most the codes in flight.
          hmacKey: deriveSubkey(options.keys[0]!, 'phone-code-hmac/v1'),
          issuer: options.issuer,
          settings: options.phone,
          clock: options.clock,
          random: options.random,
        })
      : null,
    lockout: new LockoutPolicy(store, options.lockout, options.clock),
    push: new PushMethod({
      store, totp, issuer: options.issuer, settings: pushSettings, clock, random, emit,
      // The current key only, like phone codes: a rotation costs at most the setups in flight.
      activationKey: deriveSubkey(options.keys[0]!, 'push-activation/v1'),
      budget: new PushBudget(store, pushSettings, clock),
      pins: new PinPolicy(store, { length: pushSettings.pinLength, maxFailures: pushSettings.maxPinFailures }, clock, random),
    }),
    streamTokenKey: deriveSubkey(options.keys[0]!, 'push-stream-token/v1'),
    views: new ViewRenderer({
      overrideDir: options.views,
      globals: { issuer: options.issuer, basePath: options.basePath, loginPath: options.loginPath },
    }),
    emit,
    appPasswords: new AppPasswordMethod({ store: guarded, keys: options.keys, settings: options.appPasswords, clock: options.clock, random: options.random }),
  };
  const revokeAppPasswords = async (userId: string, reason: string) => {
    const revoked = await ctx.appPasswords.revokeAll(userId);
    if (revoked > 0) ctx.emit({ type: 'app_password.revoked', userId, reason });
    return revoked;
  };
  const admin: Mfa['admin'] = {
    unlock: (userId) => store.core.resetFailures(userId),
    resetFactors: async (userId) => {
      const factors = await store.core.listFactors(userId);
      for (const f of factors) await store.core.deleteFactor(userId, f.id);
      return factors.length;
    },
    onPasswordReset: (user) => revokeAppPasswords(options.getUserId(user), 'password_reset'),
    revokeAppPasswords: (userId) => revokeAppPasswords(userId, 'revoked_all'),
  };
  ctx.admin = admin;
  return {
    router: createRouter(ctx),
    streams: createPushStreams(ctx),
    strategy: createMfaStrategy(ctx),
    requireSecondFactor: createGuard(ctx),
    csrf: { token: (req) => csrfToken(req, options.random), verify: requireCsrf },
    admin,
    appPasswordStrategy: createAppPasswordStrategy(ctx),
  };
}
