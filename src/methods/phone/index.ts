import { deriveSubkey } from '../../crypto/derive-key.js';
import type { SecondFactorMethod } from '../method.js';
import { checkPhoneCode } from './check-phone-code.js';
import { notifyPhoneChanged } from './phone-change.js';
import { PHONE_ID, verifiedPhoneIn } from './phone-factor.js';
import { PhoneMethod } from './phone-method.js';
import { maskPhone } from './phone-number.js';
import { phoneSetupRoutes } from './setup-routes.js';
import { phoneVerifyRoutes } from './verify-routes.js';

const CHANGE = '/setup/phone?then=manage';

/**
 * Backup phone: codes by SMS or voice call, through the host's `sms` transport (without one the
 * method is off). Set up after the first method, or from Security info; weaker than the app
 * (SIM swaps, interception), so it is offered last at sign-in.
 */
export const phoneMethod: SecondFactorMethod = {
  id: PHONE_ID,
  name: 'Backup phone',
  enabled: (options) => options.sms !== undefined,
  storeNeeds: () => [{ feature: 'the backup phone (`sms` is set)', facets: ['phoneCodes', 'rateLimits'], orElse: 'remove `sms`' }],
  setup: {
    kind: 'follow-up',
    page: '/setup/phone',
    label: 'Backup phone',
    position: 20,
    // One backup phone per user: a second number replaces the first, through its row's "Change".
    add: { hint: "Codes by text message or phone call, for when you can't use your app.", page: CHANGE, offered: (factors) => !verifiedPhoneIn(factors) },
  },
  signInRank: 30,
  // RFC 8176: 'sms' (or 'tel' for a voice call, reported by the check); codes can be relayed.
  assurance: { amr: ['sms'], phishingResistant: false },
  create({ options, store, emit, attempts }) {
    const phone = new PhoneMethod({
      store,
      transport: options.sms!,
      // The current key only: codes live ≤ 10 minutes, so a rotation costs at most the codes in flight.
      hmacKey: deriveSubkey(options.keys[0]!, 'phone-code-hmac/v1'),
      issuer: options.issuer,
      settings: options.phone,
      clock: options.clock,
      random: options.random,
    });
    const { clock, onPhoneChanged } = options;
    return {
      verify: (input) => checkPhoneCode({ phone, store, clock }, input),
      signIn: {
        noun: 'your phone',
        async offer({ own }) {
          const factor = verifiedPhoneIn(own);
          return factor ? { view: 'sign-in-phone', locals: { masked: maskPhone(factor.data.e164) } } : null;
        },
      },
      securityInfo: {
        // The label is the masked number: it says which phone this is.
        row: async (factor) => ({ detail: factor.label, actions: [{ label: 'Change', href: CHANGE }] }),
        addAction: (factors) => (verifiedPhoneIn(factors) ? null : { label: 'Add backup phone', href: CHANGE }),
      },
      setupSummary: async (userId) => {
        const factor = verifiedPhoneIn(await store.core.listFactors(userId));
        return factor ? maskPhone(factor.data.e164) : null;
      },
      factorRemoved: (factor, ip) =>
        notifyPhoneChanged({ emit, clock, onPhoneChanged }, { userId: factor.userId, action: 'removed', phone: null, previousPhone: String(factor.data.e164), ip }),
      routes: [
        ...phoneSetupRoutes({ phone, store, attempts, emit, options }),
        ...phoneVerifyRoutes({ phone, store, attempts, emit, clock }),
      ],
    };
  },
};
