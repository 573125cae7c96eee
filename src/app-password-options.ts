import { z } from 'zod';
import { optionalFunction } from './optional-function.js';

/** `appPasswords` in createMfa() options: app passwords for non-browser apps (docs/app-passwords.md). */
export interface AppPasswordOptions {
  /** App passwords a user may hold at once, 1 to 40 (Microsoft Entra's limit). @default 40 */
  maxPerUser?: number;
  /** Lifetime of a new app password in ms; null means it never expires. @default null */
  maxAgeMs?: number | null;
  /** Scope given to app passwords created on the pages (the host checks it); null means unrestricted. @default null */
  scope?: string[] | null;
  /**
   * Finds the account a Basic-auth username names (sync or async); null when there is none.
   * Required by mfa.appPasswordStrategy. @default none
   */
  findUser?: (username: string) => Express.User | null | undefined | Promise<Express.User | null | undefined>;
  /**
   * Checks the account password over Basic, for users NOT enrolled in MFA only (enrolled users
   * must use an app password). Should take the same time whether or not it matches.
   * @default none (account passwords never work over Basic)
   */
  verifyAccountPassword?: (user: Express.User, password: string) => boolean | Promise<boolean>;
  /**
   * The same work as verifyAccountPassword on a password that matches nothing (e.g. your
   * password hash against a fixed dummy hash); its result is ignored. It runs on every failing
   * Basic attempt that verifyAccountPassword does not run for (unknown username, user enrolled in
   * MFA, malformed credentials), so that no failure answers faster and timing does not tell which
   * accounts exist or have no second factor. Required with verifyAccountPassword. @default none
   */
  dummyPasswordCheck?: (password: string) => unknown;
  /** Failed Basic attempts allowed per window, counted in the store (shared by all instances). */
  rateLimit?: {
    /** Window length in ms. @default 900000 (15 minutes) */
    windowMs?: number;
    /** Failures per username per window. @default 10 */
    perUsername?: number;
    /** Failures per client IP per window. @default 50 */
    perIp?: number;
  };
  /** realm of the `WWW-Authenticate: Basic` challenge. @default the issuer */
  realm?: string;
  /**
   * How long, in ms, one instance answers a client repeating a correct app password from what it
   * read, without asking the store. Revoking an app password and reaching a failure limit reach
   * every instance through the wake-up channel at once; this is the longest they take should a
   * wake-up be lost (as `sessionCheckCacheMs` for sessions). Wrong passwords always go to the
   * store. 0 asks the store on every request. @default 1000
   */
  cacheMs?: number;
}

export const APP_PASSWORD_DEFAULTS = {
  maxPerUser: 40,
  maxAgeMs: null,
  scope: null,
  rateLimit: { windowMs: 15 * 60_000, perUsername: 10, perIp: 50 },
  cacheMs: 1000,
} as const;

export interface ResolvedAppPasswordOptions {
  maxPerUser: number;
  maxAgeMs: number | null;
  scope: string[] | null;
  findUser: AppPasswordOptions['findUser'];
  verifyAccountPassword: AppPasswordOptions['verifyAccountPassword'];
  dummyPasswordCheck: AppPasswordOptions['dummyPasswordCheck'];
  rateLimit: { windowMs: number; perUsername: number; perIp: number };
  realm: string;
  cacheMs: number;
}

export const appPasswordOptionsSchema = z.object({
  maxPerUser: z.number().int().min(1).max(40, 'must be at most 40 (as Microsoft Entra)').optional(),
  maxAgeMs: z.number().int().min(60_000, 'must be at least 60000 (one minute), or null for no expiry').nullable().optional(),
  scope: z.array(z.string().min(1).max(64)).max(32).nullable().optional(),
  findUser: optionalFunction<AppPasswordOptions['findUser']>('username => user | null'),
  verifyAccountPassword: optionalFunction<AppPasswordOptions['verifyAccountPassword']>('(user, password) => boolean'),
  dummyPasswordCheck: optionalFunction<AppPasswordOptions['dummyPasswordCheck']>('password => void, as slow as verifyAccountPassword'),
  rateLimit: z.object({
    windowMs: z.number().int().min(1000).optional(),
    perUsername: z.number().int().min(1).max(1000).optional(),
    perIp: z.number().int().min(1).max(100_000).optional(),
  }).strict().optional(),
  realm: z.string().min(1).max(64).regex(/^[^"\\\p{Cc}]*$/u, 'must not contain quotes, backslashes or control characters').optional(),
  cacheMs: z.number().int().min(0).max(1000, 'must be at most 1000: a revocation must reach every instance within a second').optional(),
}).strict().refine((o) => !o.verifyAccountPassword || o.dummyPasswordCheck, {
  path: ['dummyPasswordCheck'],
  message: 'is required with verifyAccountPassword: the same password check against a dummy hash, so failures for unknown or enrolled users take as long',
}).optional();

/** The app-password settings with defaults filled in; the realm defaults to the issuer. */
export function resolveAppPasswordOptions(o: AppPasswordOptions | undefined, issuer: string): ResolvedAppPasswordOptions {
  const d = APP_PASSWORD_DEFAULTS;
  return {
    maxPerUser: o?.maxPerUser ?? d.maxPerUser,
    maxAgeMs: o?.maxAgeMs ?? d.maxAgeMs,
    scope: o?.scope ? [...o.scope] : d.scope,
    findUser: o?.findUser,
    verifyAccountPassword: o?.verifyAccountPassword,
    dummyPasswordCheck: o?.dummyPasswordCheck,
    rateLimit: { ...d.rateLimit, ...o?.rateLimit },
    realm: o?.realm ?? issuer,
    cacheMs: o?.cacheMs ?? d.cacheMs,
  };
}
