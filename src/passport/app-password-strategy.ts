import type { Strategy } from 'passport';
import { ConfigurationError, retryAfterSeconds, StoreUnavailableError } from '../errors.js';
import type { MfaError } from '../errors.js';
import type { Emit } from '../events.js';
import type { AppPasswordMethod } from '../methods/app-passwords/app-password-method.js';
import { APP_PASSWORD_ID } from '../methods/app-passwords/app-password-method.js';
import type { ResolvedOptions } from '../options.js';
import { BasicRateLimit } from '../policy/basic-rate-limit.js';
import type { AppPasswordRecord } from '../stores/facets/app-passwords.js';
import type { CompleteStore } from '../stores/guarded-store.js';
import { isEnrolled } from '../second-step/is-enrolled.js';
import { parseBasicAuth } from './basic-auth.js';
import type { BasicCredentials } from './basic-auth.js';

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
  const { findUser } = settings;
  return {
    name: APP_PASSWORD_STRATEGY_NAME,
    authenticate(req) {
      const refuse = (error: MfaError | null): void => {
        const retryAfter = retryAfterSeconds(error);
        if (req.res && retryAfter !== null) req.res.setHeader('Retry-After', String(Math.ceil(retryAfter)));
        this.fail(challenge, error?.status ?? 401);
      };
      const settle = (outcome: Outcome): void => (outcome.ok ? this.success(outcome.user, outcome.info) : refuse(outcome.error));
      const failed = (error: unknown): void => (error instanceof StoreUnavailableError ? refuse(error) : this.error(error));
      // Not at startup: createMfa() builds this strategy for every app, also those that never use it.
      if (!findUser) return this.error(new ConfigurationError('passport-mfa: mfa.appPasswordStrategy needs appPasswords.findUser(username) in createMfa() options.'));
      let outcome: Outcome | Promise<Outcome>;
      try {
        outcome = check({ deps, limiter, findUser, ip: req.ip ?? 'unknown' }, req.headers.authorization);
      } catch (error) {
        return failed(error);
      }
      // A held password with a synchronous findUser is answered without a promise (the common case of a busy client).
      if (outcome instanceof Promise) outcome.then(settle, failed);
      else settle(outcome);
    },
  };
}

interface Attempt {
  deps: AppPasswordStrategyDeps;
  limiter: BasicRateLimit;
  findUser: NonNullable<ResolvedOptions['appPasswords']['findUser']>;
  ip: string;
}

function check(attempt: Attempt, authorization: string | undefined): Outcome | Promise<Outcome> {
  const { deps: { appPasswords }, limiter, findUser, ip } = attempt;
  const parsed = parseBasicAuth(authorization);
  // No credentials yet is the normal first request of a Basic client: challenge, do not count.
  if (!parsed.ok && parsed.reason === 'missing') return { ok: false, error: null };
  if (!parsed.ok) return checkInStore(attempt, null);
  const { username, password } = parsed.credentials;
  // A password this instance found lately, with both failure counts lately below their limits:
  // the store need not be asked again (a wrong password is never cached, so guesses always are).
  const known = limiter.clearInCache(ip, username) ? appPasswords.cached(password) : undefined;
  if (!known) return checkInStore(attempt, parsed.credentials);
  const user = findUser(username);
  return isThenable(user)
    ? Promise.resolve(user).then((found) => judge(attempt, parsed.credentials, found ?? null, known))
    : judge(attempt, parsed.credentials, user ?? null, known);
}

/** Every attempt but a held password: the failure counters, then the password, read from the store. */
async function checkInStore(attempt: Attempt, credentials: BasicCredentials | null): Promise<Outcome> {
  const { deps: { appPasswords, options, emit }, limiter, findUser, ip } = attempt;
  const limited = await limiter.check(ip, credentials?.username ?? null);
  if (limited) {
    emit({ type: 'app_password.rate_limited', userId: null, ip });
    return { ok: false, error: limited };
  }
  if (credentials === null) {
    await options.appPasswords.dummyPasswordCheck?.('');
    return failure(attempt, null, null, 'malformed');
  }
  // Both lookups run whether or not the user exists, so a miss costs the same either way.
  const [user, record] = await Promise.all([findUser(credentials.username), appPasswords.find(credentials.password)]);
  return judge(attempt, credentials, user ?? null, record);
}

/** Success when `record` is a live app password of `user`; otherwise the account password, or a counted failure. */
function judge(attempt: Attempt, credentials: BasicCredentials, user: Express.User | null, record: AppPasswordRecord | null): Outcome | Promise<Outcome> {
  const { deps: { appPasswords, options, emit }, ip } = attempt;
  const userId = user ? options.getUserId(user) : null;
  const now = options.clock();
  if (user && record && record.userId === userId && !appPasswords.isExpired(record, now)) {
    const succeeded = (): Outcome => {
      emit({ type: 'app_password.succeeded', userId, ip, appPasswordId: record.id, method: APP_PASSWORD_ID });
      return { ok: true, user, info: { method: APP_PASSWORD_ID, appPasswordId: record.id, scope: record.scope && [...record.scope] } };
    };
    const recording = appPasswords.recordUse(record, now);
    return recording ? recording.then(succeeded) : succeeded();
  }
  return refuseOrAccountPassword(attempt, credentials, user, userId, record);
}

async function refuseOrAccountPassword(attempt: Attempt, credentials: BasicCredentials, user: Express.User | null, userId: string | null, record: AppPasswordRecord | null): Promise<Outcome> {
  const { deps: { options, emit, store }, ip } = attempt;
  const { verifyAccountPassword, dummyPasswordCheck } = options.appPasswords;
  const { password } = credentials;
  if (user && userId !== null && !record && verifyAccountPassword && !(await isEnrolled(store, userId))) {
    if (await verifyAccountPassword(user, password)) {
      emit({ type: 'app_password.succeeded', userId, ip, method: 'account_password' });
      return { ok: true, user, info: { method: 'account_password', appPasswordId: null, scope: null } };
    }
  } else {
    // Where no account password is checked, the dummy check costs what a real one would.
    await dummyPasswordCheck?.(password);
  }
  const reason = record === null ? 'invalid_password' : record.userId !== userId ? 'wrong_user' : 'expired';
  return failure(attempt, credentials.username, userId, reason);
}

async function failure(attempt: Attempt, username: string | null, userId: string | null, reason: string): Promise<Outcome> {
  await attempt.limiter.fail(attempt.ip, username);
  attempt.deps.emit({ type: 'app_password.failed', userId, ip: attempt.ip, reason });
  return { ok: false, error: null };
}

/** As `await` tells a promise (any library's) from a value. */
function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
