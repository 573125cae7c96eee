import './recovery-events.js';
import { plural } from '../../plural.js';
import { hasFacets } from '../../stores/mfa-store.js';
import type { SecondFactorMethod } from '../method.js';
import type { MethodRegistry } from '../registry.js';
import { checkRecoveryCode, RECOVERY_CODE_ID } from './check-recovery-code.js';
import { RECOVERY_CODE_COUNT, RecoveryCodes } from './recovery-codes.js';
import { recoveryRoutes } from './recovery-routes.js';

/**
 * Recovery codes: ten single-use codes shown once after the first method is set up, for when
 * every other method is out of reach. Not a method of their own on Security info (they cannot
 * be the only way in): a section there says how many are left and makes a new set.
 */
export const recoveryCodeMethod: SecondFactorMethod = {
  id: RECOVERY_CODE_ID,
  name: 'Recovery code',
  // On whenever the store keeps them (MemoryStore and SqliteStore do); a custom store without the
  // facet still serves every other method.
  enabled: (options) => hasFacets(options.store, ['recoveryCodes']),
  storeNeeds: () => [],
  setup: { kind: 'follow-up', page: '/setup/recovery-codes', label: 'Recovery codes', position: 5 },
  // Last: the way in when nothing else is at hand.
  signInRank: 90,
  // RFC 8176: a single-use code; it can be relayed like any code, so not phishing-resistant.
  assurance: { amr: ['otp'], phishingResistant: false },
  create({ options, store, emit }) {
    const codes = new RecoveryCodes({ store: store.recoveryCodes, keys: options.keys, random: options.random });
    return {
      verify: (input) => checkRecoveryCode(codes, emit, input),
      signIn: {
        noun: 'a recovery code',
        offer: async ({ userId }) => ((await codes.remaining(userId)) > 0 ? { view: 'sign-in-recovery', locals: {} } : null),
      },
      securityInfo: {
        section: async (userId) => ({ view: 'manage-recovery-codes', locals: { remaining: await codes.remaining(userId), count: RECOVERY_CODE_COUNT } }),
      },
      setupSummary: async (userId) => {
        const left = await codes.remaining(userId);
        return left > 0 ? `${plural(left, 'single-use code')} for when nothing else works` : null;
      },
      routes: recoveryRoutes({ codes, emit, issuer: options.issuer, clock: options.clock }),
      api: codes,
    };
  },
};

/** The recovery codes of this instance, or null when the store does not keep them. */
export function recoveryCodesOf(registry: MethodRegistry): RecoveryCodes | null {
  return (registry.get(RECOVERY_CODE_ID)?.parts.api as RecoveryCodes | undefined) ?? null;
}
