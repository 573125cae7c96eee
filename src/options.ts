import passportDefault from 'passport';
import { z } from 'zod';
import { ConfigurationError } from './errors.js';
import { appPasswordOptionsSchema, resolveAppPasswordOptions } from './app-password-options.js';
import type { ResolvedAppPasswordOptions } from './app-password-options.js';
import { secureRandom } from './crypto/random.js';
import type { RandomSource } from './crypto/random.js';
import type { SealingKey } from './crypto/secret-box.js';
import { DEFAULTS } from './defaults.js';
import type { MfaOptions, PassportLike, PhoneChange } from './mfa-options.js';
import type { PhoneSettings } from './methods/phone/phone-method.js';
import { isCountryCode } from './methods/phone/phone-number.js';
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
import { pushSchema, resolvePush } from './push/push-options.js';
import type { ResolvedPushOptions } from './push/push-options.js';
import type { FraudReport } from './push/fraud-report.js';

// What createMfa() accepts (mfa-options.ts) and its defaults (defaults.ts), re-exported so that
// './options.js' stays the one place to import option types and DEFAULTS from.
export type { AppPasswordOptions, ResolvedAppPasswordOptions } from './app-password-options.js';
export { DEFAULTS } from './defaults.js';
export type { MfaOptions, PassportLike, PhoneChange } from './mfa-options.js';

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
  logoutPath: string | false;
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
  logoutPath: z.union([localPath, z.literal(false)], { message: 'must be a same-origin path starting with a single "/", or false' }).optional(),
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

function isUnder(path: string, basePath: string): boolean {
  const pathname = path.split(/[?#]/)[0]!;
  return pathname === basePath || pathname.startsWith(`${basePath}/`);
}

/**
 * Validates options and fills defaults; throws ConfigurationError naming each wrong option.
 * `methods` may add options of their own (SecondFactorMethod.options), each under its key.
 */
export function resolveOptions(input: MfaOptions, methods: readonly SecondFactorMethod[] = Object.values(builtIn)): ResolvedOptions {
  const own = methods.flatMap((m) => (m.options ? [m.options] : []));
  const schema = coreSchema.extend(Object.fromEntries(own.map((o) => [o.key, o.schema.optional()]))).strict()
    // The router answers every address under basePath itself, so a sign-out route there is never reached.
    .refine((o) => typeof o.logoutPath !== 'string' || !isUnder(o.logoutPath, (o.basePath as string | undefined) ?? DEFAULTS.basePath), {
      path: ['logoutPath'], message: 'must be the host\'s own sign-out route, outside basePath',
    });
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
    logoutPath: o.logoutPath ?? DEFAULTS.logoutPath,
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
