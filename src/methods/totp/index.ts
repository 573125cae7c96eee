import type { SecondFactorMethod } from '../method.js';
import { checkTotpCode } from './check-totp-code.js';
import { totpSetupRoutes, totpVerifyRoute } from './routes.js';
import { TOTP_ID, TotpMethod } from './totp-method.js';

/**
 * Mobile app → One-time password: any RFC 6238 authenticator app. Always enabled; the default of
 * the 'mfa' strategy (a form that names no method sends a code from an authenticator app).
 */
export const totpMethod: SecondFactorMethod = {
  id: TOTP_ID,
  name: 'Mobile app: one-time password',
  enabled: () => true,
  storeNeeds: () => [],
  setup: {
    kind: 'choice',
    contact: { value: 'mobile_app', label: 'Mobile app' },
    mode: { value: 'otp', label: 'One-time password', hint: 'Use verification codes from an authenticator app.' },
    position: 20,
    page: '/setup/totp',
    done: "Your mobile app is set up. From now on we'll ask for a code from it when you sign in.",
  },
  signInRank: 20,
  // RFC 8176: a one-time password; a relayed code works on a look-alike site, so not phishing-resistant.
  assurance: { amr: ['otp'], phishingResistant: false },
  strategyDefault: true,
  create({ options, store, box }) {
    const totp = new TotpMethod({ store, box, issuer: options.issuer, settings: options.totp, clock: options.clock, random: options.random });
    return {
      beginSetup: async ({ userId, accountName }) => ({ factorId: (await totp.enroll(userId, accountName)).factor.id }),
      verify: ({ factors, body }) => checkTotpCode(totp, factors, body.code),
      signIn: {
        noun: 'your mobile app',
        offer: async ({ own }) => (own.length > 0 ? { view: 'sign-in-totp', locals: { digits: totp.digits } } : null),
      },
      securityInfo: { renamable: true },
      routes: [...totpSetupRoutes(totp), totpVerifyRoute()],
    };
  },
};
