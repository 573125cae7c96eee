import type { MfaStore } from './store.js';

type StoreMethod = Exclude<keyof MfaStore, 'close'>;

const RATE_LIMITS = ['getRateLimit', 'hitRateLimit'] as const;

/**
 * The MfaStore methods each feature needs. A custom store may predate a feature: createMfa()
 * refuses such a store only for the features it turns on (phone codes when `sms` is set, push
 * unless `push.enabled` is false, Web Push when `push.sender` is set), and app passwords refuse
 * to work, with a ConfigurationError, until the store has them.
 */
export const STORE_METHODS = {
  core: [
    'createFactor', 'getFactor', 'listFactors', 'confirmFactor', 'deleteFactor', 'deleteUnconfirmedFactors',
    'consumeTimeStep', 'getLockout', 'recordFailure', 'resetFailures',
  ],
  phone: ['putPhoneCode', 'consumePhoneCode', ...RATE_LIMITS],
  appPasswords: [
    'createAppPassword', 'findAppPasswordByHash', 'listAppPasswords', 'touchAppPassword',
    'deleteAppPassword', 'deleteAppPasswords', ...RATE_LIMITS,
  ],
  push: [
    'createPushDevice', 'getPushDevice', 'activatePushDevice', 'setPushDevicePin', 'disablePushDevice',
    'createPushChallenge', 'getPushChallenge', 'listOpenPushChallenges', 'resolvePushChallenge',
    'consumePushChallenge', 'listUnseenFraudReports', 'markFraudReportsSeen', 'consumeNonce',
    ...RATE_LIMITS, 'deleteRateLimit',
  ],
  webPush: ['putPushSubscription', 'listPushSubscriptions', 'deletePushSubscription'],
} as const satisfies Record<string, readonly StoreMethod[]>;

/** The methods of `methods` that `store` lacks (all of them when it is not an object). */
export function missingStoreMethods(store: unknown, methods: readonly StoreMethod[]): StoreMethod[] {
  if (typeof store !== 'object' || store === null) return [...methods];
  return methods.filter((m) => typeof (store as Record<string, unknown>)[m] !== 'function');
}

/** Store facets a method can ask for (the optional parts of the store contract). */
export type StoreFacet = 'rateLimits' | 'phoneCodes' | 'appPasswords' | 'push' | 'pushSubscriptions' | 'credentials' | 'recoveryCodes';

/**
 * The store methods behind each facet a method can ask for (SecondFactorMethod.storeFacets). The
 * WebAuthn credential and recovery-code facets have no methods in this flat contract yet.
 */
export const STORE_FACETS: Record<StoreFacet, readonly StoreMethod[]> = {
  rateLimits: RATE_LIMITS,
  phoneCodes: STORE_METHODS.phone,
  appPasswords: STORE_METHODS.appPasswords,
  push: STORE_METHODS.push,
  pushSubscriptions: STORE_METHODS.webPush,
  credentials: [],
  recoveryCodes: [],
};
