import type { AppPasswordOptions } from './app-password-options.js';
import type { RandomSource } from './crypto/random.js';
import type { SealingKey } from './crypto/secret-box.js';
import type { MfaEvent } from './events.js';
import type { TotpSettings } from './methods/totp/totp-method.js';
import type { FraudReport } from './push/fraud-report.js';
import type { PushOptions } from './push/push-options.js';
import type { MfaStore } from './stores/mfa-store.js';
import type { SmsTransport } from './transports/sms-transport.js';
import type { Wakeup } from './transports/wakeup.js';

/** The part of a Passport instance (`passport` or `new passport.Passport()`) passport-mfa uses. */
export interface PassportLike {
  use(name: string, strategy: { name?: string; authenticate(...args: never[]): unknown }): unknown;
  authenticate(...args: never[]): unknown;
}

/** Everything createMfa() accepts. Each field lists its default; defaults live in DEFAULTS (defaults.ts). */
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
  /**
   * The host's sign-out route. Every page shows "Sign out" as a form POSTing here with the
   * `_csrf` field of `mfa.csrf` (check it with `mfa.csrf.verify`); it must lie outside
   * `basePath`. `false` hides "Sign out" (a host without a POST sign-out route). @default '/logout'
   */
  logoutPath?: string | false;
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
  /**
   * The user's name as people know it: shown in authenticator apps and at the top of every page
   * ("Signed in as alice"). @default user => user.username ?? user.email ?? getUserId(user)
   */
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
