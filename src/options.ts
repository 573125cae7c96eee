import passportDefault from 'passport';
import { z } from 'zod';
import { ConfigurationError } from './errors.js';
import { APP_PASSWORD_DEFAULTS, appPasswordOptionsSchema, resolveAppPasswordOptions } from './app-password-options.js';
import type { AppPasswordOptions, ResolvedAppPasswordOptions } from './app-password-options.js';
import { secureRandom } from './crypto/random.js';
import type { RandomSource } from './crypto/random.js';
import type { SealingKey } from './crypto/secret-box.js';
import type { PhoneSettings } from './methods/phone/phone-method.js';
import { GEOGRAPHIC_COUNTRIES, isCountryCode } from './methods/phone/phone-number.js';
import type { TotpSettings } from './methods/totp/totp-method.js';
import { hasFacets } from './stores/mfa-store.js';
import type { MfaStore } from './stores/mfa-store.js';
import type { MfaEvent } from './events.js';
import * as builtIn from './methods/built-in.js';
import type { SecondFactorMethod } from './methods/method.js';
import { optionalFunction } from './optional-function.js';
import type { SmsTransport } from './transports/sms-transport.js';
import { InProcessWakeup, isWakeup } from './transports/wakeup.js';
import type { Wakeup } from './transports/wakeup.js';

export type { AppPasswordOptions, ResolvedAppPasswordOptions } from './app-password-options.js';
import { PUSH_DEFAULTS, pushSchema, resolvePush } from './push/push-options.js';
import type { PushOptions, ResolvedPushOptions } from './push/push-options.js';
import type { FraudReport } from './push/fraud-report.js';

/** The part of a Passport instance (`passport` or `new passport.Passport()`) passport-mfa uses. */
export interface PassportLike {
  use(name: string, strategy: { name?: string; authenticate(...args: never[]): unknown }): unknown;
  authenticate(...args: never[]): unknown;
}

/** Everything createMfa() accepts. Each field lists its default; defaults live in DEFAULTS below. */
export interface MfaOptions {
  /** Shown in authenticator apps and page titles, e.g. 'Contoso'. Required. */
  issuer: string;
  /** Where factors and lockouts are kept. Required: `new SqliteStore({ filename })` in production. */
  store: MfaStore;
  /**
   * Key(s) sealing TOTP seeds at rest (AES-256-GCM). Either one 32-byte key (Buffer, 64 hex
   * characters or base64), or a list `[{ id, key }]` whose first entry seals and all open (rotation).
   * Required.
   */
  secretKey: Buffer | string | readonly SealingKey[];
  /** URL prefix the router's pages live under. @default '/mfa' */
  basePath?: string;
  /** Where a visitor with no first-factor sign-in is sent. @default '/login' */
  loginPath?: string;
  /** Where to go after the second step when no safe returnTo was remembered. @default '/' */
  defaultReturnTo?: string;
  /**
   * Passport instance createMfa() registers `mfa.strategy` on, for hosts that call
   * passport.authenticate('mfa') in routes of their own (the pages verify without Passport).
   * @default the `passport` module's default instance
   */
  passport?: PassportLike;
  /** Name `mfa.strategy` is registered under (and its `name`). @default 'mfa' */
  strategyName?: string;
  /** Stable id of a signed-in user (req.user). @default user => String(user.id) */
  getUserId?: (user: Express.User) => string;
  /** Account name shown in authenticator apps. @default user => user.username ?? user.email ?? getUserId(user) */
  getAccountName?: (user: Express.User) => string;
  /** Lifetime of a half-finished sign-in or enrollment, in ms. @default 600000 (10 minutes) */
  pendingTtlMs?: number;
  /**
   * How recent the second factor must be to change security info (add or remove a method);
   * older sessions verify again first. @default 900000 (15 minutes)
   */
  reverifyAfterMs?: number;
  /**
   * Let users delete their last sign-in method on Security info, turning their account back into
   * password-only (whoever signs in next with the password can then enroll their own). Off, the
   * last method can only be replaced: added-to first, then deleted. @default false
   */
  allowRemovingLastMethod?: boolean;
  /**
   * How long, in ms (0 to 1000), an app instance trusts what it read of a user's sessions (the
   * generation "Sign out everywhere" moves on, the factors they signed in with) before reading
   * the store again. Wake-ups make a revocation immediate on every instance; this bounds it when
   * one is lost. 0 reads the store on every request. @default 1000
   */
  sessionCheckCacheMs?: number;
  /** Lockout after consecutive failures, counted per user in the store. */
  lockout?: {
    /** Failures that trigger each lock. @default 5 */
    threshold?: number;
    /** How long each lock lasts, in ms. @default 900000 (15 minutes) */
    durationMs?: number;
    /** Consecutive failures after which only an administrator can unlock (at most 100, NIST 800-63B). @default 100 */
    hardLimit?: number;
  };
  /** One-time passwords. Authenticator apps reliably support only the defaults. */
  totp?: {
    /** @default 'sha1' */ algorithm?: TotpSettings['algorithm'];
    /** @default 6 */ digits?: TotpSettings['digits'];
    /** Seconds per code. @default 30 */ period?: number;
    /** Steps accepted either side of now, 0 or 1. @default 1 */ window?: TotpSettings['window'];
    /** Seed bytes, 16 to 64. @default 20 (160 bits) */ secretBytes?: number;
  };
  /** Directory searched first for page templates (same names as the package's views/). @default none */
  views?: string;
  /** Audit hook, called for every security event; must not throw. @default no-op */
  onEvent?: (event: MfaEvent) => void;
  /** Push notifications to the companion authenticator (docs/push-protocol.md). */
  push?: PushOptions;
  /**
   * How waiting requests in this instance learn of changes made by any instance: a device's
   * long-poll, a browser waiting for an answer. One instance needs nothing else; several
   * instances behind a load balancer share `await PostgresWakeup.connect(...)` (from
   * 'passport-mfa/postgres') or `await RedisWakeup.connect(...)` (from 'passport-mfa/redis').
   * @default new InProcessWakeup() (this process only)
   */
  wakeup?: Wakeup;
  /**
   * Called when a user answers a notification with "This wasn't me" (after it is recorded and
   * notifications are blocked), e.g. to alert the security team or force a password reset.
   * Errors it throws or rejects with are logged, not raised. @default no-op
   */
  onFraudReport?: (report: FraudReport) => void | Promise<void>;
  /** Clock in ms since the epoch; injectable for tests. @default Date.now */
  clock?: () => number;
  /** Cryptographically secure random bytes; injectable for tests. @default crypto.randomBytes */
  random?: RandomSource;
  /**
   * Sends SMS and voice codes for the backup phone (OutboxTransport, WebhookTransport,
   * TwilioTransport or your own SmsTransport). Without it, every phone feature is off.
   * @default none
   */
  sms?: SmsTransport;
  /** Backup phone codes; used only with `sms`. */
  phone?: {
    /** Digits per code, 6 to 10. @default 6 */
    codeDigits?: number;
    /** How long a code is valid, in ms; 1 to 10 minutes. @default 300000 (5 minutes) */
    codeTtlMs?: number;
    /** Codes sent per user per hour, counting resends and failed sends. @default 5 */
    sendsPerUserPerHour?: number;
    /** Codes sent per client IP per hour (SMS toll fraud). @default 10 */
    sendsPerIpPerHour?: number;
    /** ISO 3166 country preselected in "Country"; must be allowed. @default the Accept-Language region, else 'US', else the first allowed */
    defaultCountry?: string;
    /**
     * ISO 3166 codes of the countries whose numbers may be added and sent codes, e.g.
     * ['US', 'CA']: "Country" offers only these, a typed number must be in the chosen one, and
     * each send checks the stored number again. @default every country and territory
     * libphonenumber-js knows (GEOGRAPHIC_COUNTRIES), which excludes the non-geographic ranges:
     * satellite (+881, +870), international networks (+882, +883) and the rest of +8xx/+979
     */
    allowedCountries?: string[];
  };
  /**
   * Called after a user's backup phone number was added, changed or removed, e.g. to email the
   * user. Awaited but must not throw (a throw is logged). @default no-op
   */
  onPhoneChanged?: (change: PhoneChange) => void | Promise<void>;
  /** App passwords for non-browser apps (HTTP Basic via mfa.appPasswordStrategy). See docs/app-passwords.md. */
  appPasswords?: AppPasswordOptions;
}

/** What `onPhoneChanged` receives. Numbers are E.164. */
export interface PhoneChange {
  userId: string;
  action: 'added' | 'changed' | 'removed';
  phone: string | null;
  previousPhone: string | null;
  ip: string | undefined;
  at: number;
}

export const DEFAULTS = {
  basePath: '/mfa',
  loginPath: '/login',
  defaultReturnTo: '/',
  strategyName: 'mfa',
  pendingTtlMs: 10 * 60_000,
  reverifyAfterMs: 15 * 60_000,
  allowRemovingLastMethod: false,
  sessionCheckCacheMs: 1000,
  lockout: { threshold: 5, durationMs: 15 * 60_000, hardLimit: 100 },
  totp: { algorithm: 'sha1', digits: 6, period: 30, window: 1, secretBytes: 20 } satisfies TotpSettings,
  phone: { codeDigits: 6, codeTtlMs: 5 * 60_000, sendsPerUserPerHour: 5, sendsPerIpPerHour: 10, allowedCountries: GEOGRAPHIC_COUNTRIES } satisfies PhoneSettings,
  appPasswords: APP_PASSWORD_DEFAULTS,
  push: PUSH_DEFAULTS,
} as const;

/**
 * The options every part of passport-mfa sees, defaults filled. Methods with options of their own
 * add their key to it by declaration merging (see SecondFactorMethod.options).
 */
export interface ResolvedOptions extends CoreResolvedOptions {}

/** The resolved options of the package itself, before any method's own. */
export interface CoreResolvedOptions {
  issuer: string;
  store: MfaStore;
  keys: SealingKey[];
  basePath: string;
  loginPath: string;
  defaultReturnTo: string;
  passport: PassportLike;
  strategyName: string;
  getUserId: (user: Express.User) => string;
  getAccountName: (user: Express.User) => string;
  pendingTtlMs: number;
  reverifyAfterMs: number;
  allowRemovingLastMethod: boolean;
  sessionCheckCacheMs: number;
  lockout: { threshold: number; durationMs: number; hardLimit: number };
  totp: TotpSettings;
  views: string | undefined;
  onEvent: (event: MfaEvent) => void;
  push: ResolvedPushOptions;
  wakeup: Wakeup;
  onFraudReport: (report: FraudReport) => void | Promise<void>;
  clock: () => number;
  random: RandomSource;
  sms: SmsTransport | undefined;
  phone: PhoneSettings & { defaultCountry: string | undefined };
  onPhoneChanged: (change: PhoneChange) => void | Promise<void>;
  appPasswords: ResolvedAppPasswordOptions;
}

const localPath = z
  .string()
  .regex(/^\/(?![/\\])[^\s\\]*$/, 'must be a same-origin path starting with a single "/"');
const coreSchema = z.object({
  issuer: z.string().trim().min(1, 'is required, e.g. "Contoso"').max(64).refine((s) => !s.includes(':'), 'must not contain ":"'),
  store: z.custom<MfaStore>(
    (v) => hasFacets(v, ['core']),
    { message: 'must be an MfaStore with at least a complete `core` facet; e.g. new SqliteStore({ filename })' },
  ),
  secretKey: z.union([
    z.instanceof(Buffer),
    z.string().min(1),
    z.array(z.object({ id: z.string(), key: z.union([z.instanceof(Buffer), z.string()]) })).min(1),
  ], { message: 'is required: a 32-byte key (64 hex characters) or [{ id, key }, ...]' }),
  basePath: localPath.refine((s) => !s.endsWith('/'), 'must not end with "/"').optional(),
  loginPath: localPath.optional(),
  defaultReturnTo: localPath.optional(),
  passport: z.custom<PassportLike>((v) => typeof v === 'object' && v !== null && typeof (v as PassportLike).authenticate === 'function' && typeof (v as PassportLike).use === 'function', {
    message: 'must be a Passport instance',
  }).optional(),
  strategyName: z.string().min(1).optional(),
  getUserId: optionalFunction<(user: Express.User) => string>('user => id'),
  getAccountName: optionalFunction<(user: Express.User) => string>('user => account name'),
  pendingTtlMs: z.number().int().min(60_000).max(60 * 60_000).optional(),
  reverifyAfterMs: z.number().int().min(60_000).optional(),
  allowRemovingLastMethod: z.boolean().optional(),
  sessionCheckCacheMs: z.number().int().min(0).max(1000, 'must be at most 1000: a revocation must reach every instance within a second').optional(),
  lockout: z.object({
    threshold: z.number().int().min(1).max(100).optional(),
    durationMs: z.number().int().min(1000).optional(),
    hardLimit: z.number().int().min(1).max(100, 'must be at most 100 (NIST 800-63B)').optional(),
  }).strict().optional(),
  totp: z.object({
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).optional(),
    digits: z.union([z.literal(6), z.literal(7), z.literal(8)]).optional(),
    period: z.number().int().min(15).max(120).optional(),
    window: z.union([z.literal(0), z.literal(1)]).optional(),
    secretBytes: z.number().int().min(16).max(64).optional(),
  }).strict().optional(),
  views: z.string().min(1).optional(),
  onEvent: optionalFunction<(event: MfaEvent) => void>('event => void'),
  clock: optionalFunction<() => number>('() => milliseconds'),
  random: optionalFunction<RandomSource>('size => Buffer'),
  sms: z.custom<SmsTransport>(
    (v) => typeof v === 'object' && v !== null && typeof (v as SmsTransport).sendSms === 'function' && typeof (v as SmsTransport).makeCall === 'function',
    { message: 'must be an SmsTransport with sendSms() and makeCall(), e.g. new OutboxTransport()' },
  ).optional(),
  phone: z.object({
    codeDigits: z.number().int().min(6, 'must be at least 6').max(10).optional(),
    codeTtlMs: z.number().int().min(60_000, 'must be at least 60000 (1 minute)').max(600_000, 'must be at most 600000 (10 minutes)').optional(),
    sendsPerUserPerHour: z.number().int().min(1).max(100).optional(),
    sendsPerIpPerHour: z.number().int().min(1).max(100_000).optional(),
    defaultCountry: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 country code such as "US"').optional(),
    allowedCountries: z.array(z.string().refine(isCountryCode, { error: (issue) => `"${String(issue.input)}" is not an ISO 3166 country code with phone numbers, e.g. "US"` }))
      .min(1, 'must list at least one country, e.g. ["US"]').optional(),
  }).strict().refine((p) => !p.defaultCountry || !p.allowedCountries || (p.allowedCountries as readonly string[]).includes(p.defaultCountry), {
    path: ['defaultCountry'], message: 'must be one of phone.allowedCountries',
  }).optional(),
  onPhoneChanged: optionalFunction<(change: PhoneChange) => void>('change => void'),
  appPasswords: appPasswordOptionsSchema,
  push: pushSchema.optional(),
  wakeup: z.custom<Wakeup>(isWakeup, {
    message: 'must implement Wakeup ({ publish(topic, payload?), subscribe(topic, listener) }), e.g. new InProcessWakeup() or await PostgresWakeup.connect(...)',
  }).optional(),
  onFraudReport: optionalFunction<(report: FraudReport) => void>('report => void'),
});

/**
 * Validates options and fills defaults; throws ConfigurationError naming each wrong option.
 * `methods` may add options of their own (SecondFactorMethod.options), each under its key.
 */
export function resolveOptions(input: MfaOptions, methods: readonly SecondFactorMethod[] = Object.values(builtIn)): ResolvedOptions {
  const own = methods.flatMap((m) => (m.options ? [m.options] : []));
  const schema = coreSchema.extend(Object.fromEntries(own.map((o) => [o.key, o.schema.optional()]))).strict();
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new ConfigurationError(`createMfa(): invalid options:\n${problems.join('\n')}`);
  }
  const o = parsed.data as z.infer<typeof coreSchema> & Record<string, unknown>;
  const getUserId = o.getUserId ?? ((user: Express.User) => String((user as { id?: unknown }).id));
  const wakeup = o.wakeup ?? new InProcessWakeup();
  const keys = Array.isArray(o.secretKey) ? o.secretKey : [{ id: 'k1', key: o.secretKey as Buffer | string }];
  const resolved: CoreResolvedOptions = {
    issuer: o.issuer,
    store: o.store,
    keys,
    basePath: o.basePath ?? DEFAULTS.basePath,
    loginPath: o.loginPath ?? DEFAULTS.loginPath,
    defaultReturnTo: o.defaultReturnTo ?? DEFAULTS.defaultReturnTo,
    passport: o.passport ?? passportDefault,
    strategyName: o.strategyName ?? DEFAULTS.strategyName,
    getUserId,
    getAccountName:
      o.getAccountName ??
      ((user) => {
        const u = user as { username?: unknown; email?: unknown };
        return typeof u.username === 'string' ? u.username : typeof u.email === 'string' ? u.email : getUserId(user);
      }),
    pendingTtlMs: o.pendingTtlMs ?? DEFAULTS.pendingTtlMs,
    reverifyAfterMs: o.reverifyAfterMs ?? DEFAULTS.reverifyAfterMs,
    allowRemovingLastMethod: o.allowRemovingLastMethod ?? DEFAULTS.allowRemovingLastMethod,
    sessionCheckCacheMs: o.sessionCheckCacheMs ?? DEFAULTS.sessionCheckCacheMs,
    lockout: { ...DEFAULTS.lockout, ...o.lockout },
    totp: { ...DEFAULTS.totp, ...o.totp },
    views: o.views,
    onEvent: o.onEvent ?? (() => {}),
    push: resolvePush(o.push ?? {}, wakeup),
    wakeup,
    onFraudReport: o.onFraudReport ?? (() => {}),
    clock: o.clock ?? Date.now,
    random: o.random ?? secureRandom,
    sms: o.sms,
    phone: { ...DEFAULTS.phone, defaultCountry: undefined, ...o.phone },
    onPhoneChanged: o.onPhoneChanged ?? (() => {}),
    appPasswords: resolveAppPasswordOptions(o.appPasswords, o.issuer),
  };
  const methodOptions = Object.fromEntries(own.map(({ key, resolve }) => [key, resolve(o[key], resolved)]));
  // The methods' keys are what their declarations add to ResolvedOptions.
  return { ...resolved, ...methodOptions } as ResolvedOptions;
}

