import type { AppPasswordStore } from './facets/app-passwords.js';
import type { CoreStore } from './facets/core.js';
import type { CredentialStore } from './facets/credentials.js';
import type { PhoneCodeStore } from './facets/phone-codes.js';
import type { PushSubscriptionStore } from './facets/push-subscriptions.js';
import type { PushStore } from './facets/push.js';
import type { RateLimitStore } from './facets/rate-limits.js';
import type { RecoveryCodeStore } from './facets/recovery-codes.js';
import type { SessionGenerationStore } from './facets/session-generations.js';

/**
 * Everything passport-mfa persists, as one object per concern (a facet, in ./facets/). A store
 * composes the facets it implements: `core` is required, every other facet is optional, and
 * createMfa() refuses at startup, with a ConfigurationError naming the facet, a store that lacks
 * one an enabled feature needs. A store can be a plain object; the built-in MemoryStore and
 * SqliteStore are classes whose properties are their facet implementations, so a host can also
 * mix them: `{ ...sqlite, credentials: myCredentials, close: () => sqlite.close() }`.
 *
 * `passport-mfa/testing`'s storeConformance() checks every facet a store has
 * (docs/writing-a-store.md).
 */
export interface MfaStore {
  /** Factors, the one-time-code replay guard, the lockout. Always required. */
  readonly core: CoreStore;
  /** Fixed-window counters. Needed by phone codes, app passwords and push. */
  readonly rateLimits?: RateLimitStore;
  /** Backup phone codes. Needed when createMfa() gets an `sms` transport. */
  readonly phoneCodes?: PhoneCodeStore;
  /** App passwords for HTTP Basic clients; without it the feature is hidden. */
  readonly appPasswords?: AppPasswordStore;
  /** Push devices, challenges and request nonces. Needed while `push.enabled` (the default). */
  readonly push?: PushStore;
  /** Web Push subscriptions. Needed with `push.sender`. */
  readonly pushSubscriptions?: PushSubscriptionStore;
  /** WebAuthn security keys and passkeys. */
  readonly credentials?: CredentialStore;
  /** Single-use recovery codes. */
  readonly recoveryCodes?: RecoveryCodeStore;
  /** Per-user session generations ("sign out everywhere"). */
  readonly sessionGenerations?: SessionGenerationStore;
  /** Release connections/handles. Every facet's calls throw after close(). */
  close?(): Promise<void>;
}

/** Each facet by name, as a store that has it holds it. */
export type StoreFacets = Required<Omit<MfaStore, 'close'>>;
export type FacetName = keyof StoreFacets;
export type OptionalFacetName = Exclude<FacetName, 'core'>;

/** A store known (after a capability check) to have the facets `F`. */
export type StoreWith<F extends OptionalFacetName> = MfaStore & { readonly [K in F]: StoreFacets[K] };

/** Every method of facet T, as the keys of an object literal: a missing or unknown one fails to compile. */
type MethodsOf<T> = { readonly [M in keyof T]: true };

interface FacetInfo<T> {
  /** What the facet keeps, for error messages and test names. */
  about: string;
  methods: MethodsOf<T>;
}

/** Each facet's description and methods, at run time (the capability check and the 503 guard use them). */
export const FACETS: { readonly [F in FacetName]: FacetInfo<StoreFacets[F]> } = {
  core: {
    about: 'factors, time steps and lockout',
    methods: {
      createFactor: true, getFactor: true, listFactors: true, confirmFactor: true, deleteFactor: true, deleteFactorUnlessLast: true,
      renameFactor: true, preferFactor: true, deleteUnconfirmedFactors: true,
      consumeTimeStep: true, getLockout: true, recordFailure: true, resetFailures: true,
    },
  },
  rateLimits: { about: 'rate-limit counters', methods: { get: true, hit: true, delete: true } },
  phoneCodes: { about: 'backup phone codes', methods: { put: true, consume: true } },
  appPasswords: {
    about: 'app passwords',
    methods: { create: true, findByHash: true, list: true, touch: true, delete: true, deleteAll: true },
  },
  push: {
    about: 'push devices, challenges and nonces',
    methods: {
      createDevice: true, getDevice: true, activateDevice: true, setDevicePin: true, disableDevice: true,
      createChallenge: true, getChallenge: true, listOpenChallenges: true, resolveChallenge: true, consumeChallenge: true,
      listUnseenFraudReports: true, markFraudReportsSeen: true, consumeNonce: true,
    },
  },
  pushSubscriptions: { about: 'Web Push subscriptions', methods: { put: true, list: true, delete: true } },
  credentials: {
    about: 'WebAuthn credentials',
    methods: { create: true, findByCredentialId: true, list: true, acceptUse: true, rename: true, delete: true },
  },
  recoveryCodes: { about: 'recovery codes', methods: { replace: true, consume: true, countRemaining: true } },
  sessionGenerations: { about: 'session generations', methods: { get: true, bump: true } },
};

/** Every facet name, core first. */
export const FACET_NAMES = Object.keys(FACETS) as FacetName[];

/** The method names of a facet. */
export function facetMethods<F extends FacetName>(facet: F): (keyof StoreFacets[F] & string)[] {
  return Object.keys(FACETS[facet].methods) as (keyof StoreFacets[F] & string)[];
}

/**
 * What keeps `store` from having each facet of `wanted`, one line per facet: absent, or present
 * without some of its methods. Empty when it has them all.
 */
export function facetProblems(store: unknown, wanted: readonly FacetName[]): string[] {
  const holder = typeof store === 'object' && store !== null ? (store as Record<string, unknown>) : {};
  return wanted.flatMap((facet) => {
    const value = holder[facet];
    if (typeof value !== 'object' || value === null) return [`lacks the \`${facet}\` facet (${FACETS[facet].about})`];
    const missing = facetMethods(facet).filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
    return missing.length > 0 ? [`its \`${facet}\` facet lacks ${missing.join(', ')}`] : [];
  });
}

/** Whether `store` has every facet of `wanted`, each with all its methods. */
export function hasFacets(store: unknown, wanted: readonly FacetName[]): boolean {
  return facetProblems(store, wanted).length === 0;
}
