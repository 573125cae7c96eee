import { deriveSubkey } from '../../crypto/derive-key.js';
import type { SecondFactorMethod } from '../method.js';
import { browserBundlePath } from './browser-bundle.js';
import { checkSecurityKey } from './check-security-key.js';
import { securityKeyRoutes } from './security-key-routes.js';
import { SECURITY_KEY_ID, SecurityKeys } from './security-keys.js';
import { WebAuthnCeremony } from './webauthn-ceremony.js';
import { webAuthnOptions } from './webauthn-options.js';

/**
 * Security keys and passkeys (WebAuthn): the phishing-resistant method, offered first at sign-in.
 * On when createMfa() gets `webauthn` ({ rpId, origin }); each registered key is a factor whose
 * credential lives in the store's credentials facet. See docs/security-keys.md.
 */
export const securityKeyMethod: SecondFactorMethod = {
  id: SECURITY_KEY_ID,
  name: 'Security key',
  enabled: (options) => options.webauthn !== null,
  storeNeeds: () => [{ feature: 'security keys (`webauthn` is set)', facets: ['credentials', 'rateLimits'], orElse: 'remove the webauthn option' }],
  setup: {
    kind: 'choice',
    contact: { value: 'security_key', label: 'Security key' },
    hint: 'A hardware key (such as a YubiKey) or a passkey: the strongest way to sign in.',
    // After the mobile app in the list (its modes show below the list); first at sign-in.
    position: 30,
    page: '/setup/security-key',
    done: "Your security key is registered. From now on we'll ask for it when you sign in.",
  },
  signInRank: 5,
  // The only phishing-resistant method: the browser binds the key's answer to this site's origin.
  // Each sign-in reports 'hwk' or 'swk' (a synced passkey) from the key's own flags.
  assurance: { amr: ['hwk', 'pop', 'user'], phishingResistant: true },
  options: webAuthnOptions,
  create({ options, store }) {
    const settings = options.webauthn!;
    const { clock, random } = options;
    const keys = new SecurityKeys({
      // The current key only: the handle just has to be stable and opaque while a key is registered.
      ceremony: new WebAuthnCeremony({ settings, userHandleKey: deriveSubkey(options.keys[0]!, 'webauthn-user-handle/v1'), random }),
      credentials: store.credentials,
      rateLimits: store.rateLimits,
      core: store.core,
      settings,
      clock,
      random,
    });
    return {
      beginSetup: async ({ userId }) => ({ factorId: (await keys.enroll(userId)).id }),
      verify: (input) => checkSecurityKey(keys, input),
      signIn: {
        noun: 'your security key',
        offer: async ({ own }) => (own.length > 0 ? { view: 'sign-in-security-key', locals: {} } : null),
      },
      securityInfo: {
        addAction: () => ({ label: 'Add security key', action: '/manage/add-method', fields: { method: SECURITY_KEY_ID } }),
        async row(factor) {
          const key = (await keys.list(factor.userId)).find((k) => k.id === factor.id);
          return { detail: key?.name ?? null, actions: [{ label: 'Rename', href: `/manage/security-keys/${encodeURIComponent(factor.id)}/rename` }] };
        },
      },
      factorRemoved: async (factor) => {
        await keys.delete(factor.userId, factor.id);
      },
      routes: securityKeyRoutes(keys, store.core),
      assets: { 'simplewebauthn-browser.js': browserBundlePath() },
      api: keys,
    };
  },
};
