import type { Request } from 'express';
import type { Strategy } from 'passport';
import { ConfigurationError, retryAfterSeconds, StoreUnavailableError } from '../errors.js';
import type { MfaError } from '../errors.js';
import type { Emit } from '../events.js';
import type { AppPasswordMethod } from '../methods/app-passwords/app-password-method.js';
import { APP_PASSWORD_ID } from '../methods/app-passwords/app-password-method.js';
import type { ResolvedOptions } from '../options.js';
import { BasicRateLimit } from '../policy/basic-rate-limit.js';
import type { CompleteStore } from '../stores/guarded-store.js';
import { isEnrolled } from '../second-step/is-enrolled.js';
import { parseBasicAuth } from './basic-auth.js';

/** Name to register it under: passport.use(APP_PASSWORD_STRATEGY_NAME, mfa.appPasswordStrategy). */
export const APP_PASSWORD_STRATEGY_NAME = 'mfa-app-password';

/** What the strategy passes to success() next to the user. */
export interface AppPasswordSuccessInfo {
  /** 'account_password' only for users not enrolled in MFA, when appPasswords.verifyAccountPassword is set. */
  method: typeof APP_PASSWORD_ID | 'account_password';
  appPasswordId: string | null;
  /** The app password's scope for the host to check; null means unrestricted. */
  scope: string[] | null;
}

export interface AppPasswordStrategyDeps {
  options: Pick<ResolvedOptions, 'appPasswords' | 'clock' | 'getUserId'>;
  store: CompleteStore;
  appPasswords: AppPasswordMethod;
  emit: Emit;
}

type Outcome = { ok: true; user: Express.User; info: AppPasswordSuccessInfo } | { ok: false; error: MfaError | null };

/**
 * HTTP Basic for non-browser endpoints (use with { session: false }). Accepts a user's app
 * password; never a TOTP code, and the account password only for users without MFA (an enrolled
 * user's password alone must not bypass the second factor, cf. CVE-2021-39890). Failures answer
 * 401 with a Basic challenge; too many failures answer 429 and a store outage 503, both with
 * Retry-After (an outage refuses the request, never lets it through).
 */
export function createAppPasswordStrategy(deps: AppPasswordStrategyDeps): Strategy {
  const settings = deps.options.appPasswords;
  const limiter = new BasicRateLimit(deps.store, settings.rateLimit, deps.options.clock, deps.appPasswords.cache);
  const challenge = `Basic realm="${settings.realm.replace(/["\\]/g, '\\$&')}", charset="UTF-8"`;
  return {
    name: APP_PASSWORD_STRATEGY_NAME,
    authenticate(req) {
      const refuse = (error: MfaError | null): void => {
        const retryAfter = retryAfterSeconds(error);
        if (req.res && retryAfter !== null) req.res.setHeader('Retry-After', String(Math.ceil(retryAfter)));
        this.fail(challenge, error?.status ?? 401);
      };
      check(deps, limiter, req).then((outcome) => {
        if (outcome.ok) return this.success(outcome.user, outcome.info);
        refuse(outcome.error);
      }, (error: unknown) => (error instanceof StoreUnavailableError ? refuse(error) : this.error(error)));
    },
  };
}

async function check(deps: AppPasswordStrategyDeps, limiter: BasicRateLimit, req: Request): Promise<Outcome> {
  const { options, appPasswords, emit } = deps;
  const settings = options.appPasswords;
  const { findUser, verifyAccountPassword, dummyPasswordCheck } = settings;
  if (!findUser) throw new ConfigurationError('passport-mfa: mfa.appPasswordStrategy needs appPasswords.findUser(username) in createMfa() options.');
  const parsed = parseBasicAuth(req.headers.authorization);
  // No credentials yet is the normal first request of a Basic client: challenge, do not count.
  if (!parsed.ok && parsed.reason === 'missing') return { ok: false, error: null };
  const ip = req.ip ?? 'unknown';
  const username = parsed.ok ? parsed.credentials.username : null;
  // A password this instance found lately, with both failure counts lately below their limits:
  // the store need not be asked again (a wrong password is never cached, so guesses always are).
  const known = parsed.ok && limiter.clearInCache(ip, username) ? appPasswords.cached(parsed.credentials.password) : undefined;
  const limited = known ? null : await limiter.check(ip, username);
  if (limited) {
    emit({ type: 'app_password.rate_limited', userId: null, ip });
    return { ok: false, error: limited };
  }
  if (!parsed.ok) {
    await dummyPasswordCheck?.('');
    return failure(deps, limiter, ip, null, null, 'malformed');
  }

  const { password } = parsed.credentials;
  // Both lookups run whether or not the user exists, so a miss costs the same either way.
  const [user, record] = known
    ? [await findUser(parsed.credentials.username), known]
    : await Promise.all([findUser(parsed.credentials.username), appPasswords.find(password)]);
  const userId = user ? options.getUserId(user) : null;
  const now = options.clock();
  if (user && record && record.userId === userId && !appPasswords.isExpired(record, now)) {
    const recording = appPasswords.recordUse(record, now);
    if (recording) await recording;
    emit({ type: 'app_password.succeeded', userId, ip, appPasswordId: record.id, method: APP_PASSWORD_ID });
    return { ok: true, user, info: { method: APP_PASSWORD_ID, appPasswordId: record.id, scope: record.scope && [...record.scope] } };
  }
  if (user && userId !== null && !record && verifyAccountPassword && !(await isEnrolled(deps.store, userId))) {
    if (await verifyAccountPassword(user, password)) {
      emit({ type: 'app_password.succeeded', userId, ip, method: 'account_password' });
      return { ok: true, user, info: { method: 'account_password', appPasswordId: null, scope: null } };
    }
  } else {
    // Where no account password is checked, the dummy check costs what a real one would.
    await dummyPasswordCheck?.(password);
  }
  const reason = record === null ? 'invalid_password' : record.userId !== userId ? 'wrong_user' : 'expired';
  return failure(deps, limiter, ip, username, userId, reason);
}

async function failure(deps: AppPasswordStrategyDeps, limiter: BasicRateLimit, ip: string, username: string | null, userId: string | null, reason: string): Promise<Outcome> {
  await limiter.fail(ip, username);
  deps.emit({ type: 'app_password.failed', userId, ip, reason });
  return { ok: false, error: null };
}
