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
 * mix them: `{ ...new SqliteStore({ filename }), credentials: myCredentials }`.
 *
 * `passport-mfa/testing`'s storeConformance() checks every facet a store has.
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

/** What each facet keeps, for error messages and test names; a Record so no facet is forgotten. */
export const FACETS: { readonly [F in FacetName]: string } = {
  core: 'factors, time steps and lockout',
  rateLimits: 'rate-limit counters',
  phoneCodes: 'backup phone codes',
  appPasswords: 'app passwords',
  push: 'push devices, challenges and nonces',
  pushSubscriptions: 'Web Push subscriptions',
  credentials: 'WebAuthn credentials',
  recoveryCodes: 'recovery codes',
  sessionGenerations: 'session generations',
};

/** Every facet name, core first. */
export const FACET_NAMES = Object.keys(FACETS) as FacetName[];

/** The facets of `wanted` that `store` lacks (all of them when it is not an object). */
export function missingFacets(store: unknown, wanted: readonly FacetName[]): FacetName[] {
  if (typeof store !== 'object' || store === null) return [...wanted];
  return wanted.filter((facet) => {
    const value = (store as Record<string, unknown>)[facet];
    return typeof value !== 'object' || value === null;
  });
}

/** Whether `store` has every facet of `wanted`; narrows its type. */
export function hasFacets<F extends OptionalFacetName>(store: MfaStore, wanted: readonly F[]): store is StoreWith<F> {
  return missingFacets(store, wanted).length === 0;
}
