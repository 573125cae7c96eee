import { shownDay, shownMinute } from '../../format-time.js';
import { plural } from '../../plural.js';
import { BasicCheckCache } from '../../policy/basic-check-cache.js';
import type { MethodRegistry } from '../registry.js';
import type { SecondFactorMethod } from '../method.js';
import { APP_PASSWORD_ID, AppPasswordMethod } from './app-password-method.js';
import { appPasswordRoutes } from './routes.js';

/**
 * App passwords for non-browser apps (HTTP Basic through mfa.appPasswordStrategy): not a second
 * factor of the browser sign-in, but set up in the wizard (when `appPasswords.findUser` lets the
 * strategy use them) and managed on Security info like one. See docs/app-passwords.md.
 */
export const appPasswordMethod: SecondFactorMethod = {
  id: APP_PASSWORD_ID,
  name: 'App passwords',
  enabled: () => true,
  // Optional in the store: a store without them still serves every other method, and the
  // section stays hidden (AppPasswordMethod refuses to work with a ConfigurationError).
  storeNeeds: () => [],
  setup: { kind: 'follow-up', page: '/setup/app-passwords', label: 'App passwords', position: 30, offered: (options) => options.appPasswords.findUser !== undefined },
  create({ options, storeAsGiven, emit }) {
    // Only the Basic strategy fills it, and it refuses to run without findUser: without it there
    // is nothing to keep, and no wake-up topic to subscribe to or publish on at each revocation.
    const cache = options.appPasswords.findUser === undefined ? undefined : new BasicCheckCache({ wakeup: options.wakeup, clock: options.clock, ttlMs: options.appPasswords.cacheMs });
    const appPasswords = new AppPasswordMethod({ store: storeAsGiven, keys: options.keys, settings: options.appPasswords, clock: options.clock, random: options.random, cache });
    return {
      securityInfo: {
        async section(userId) {
          if (!appPasswords.supported()) return null;
          const now = options.clock();
          const rows = (await appPasswords.list(userId)).map((p) => ({
            id: p.id,
            name: p.name,
            createdAt: shownDay(p.createdAt, now),
            lastUsedAt: shownMinute(p.lastUsedAt, now),
            expires: p.expiresAt === null ? 'Never' : appPasswords.isExpired(p, now) ? 'Expired' : shownDay(p.expiresAt, now),
          }));
          return { view: 'manage-app-passwords', locals: { appPasswords: rows } };
        },
      },
      async setupSummary(userId) {
        if (!appPasswords.supported()) return null;
        const names = (await appPasswords.list(userId)).map((p) => `“${p.name}”`);
        return names.length === 0 ? null : `${plural(names.length, 'app password')}: ${names.join(', ')}`;
      },
      routes: appPasswordRoutes({ appPasswords, emit, random: options.random, maxPerUser: options.appPasswords.maxPerUser }),
      api: appPasswords,
    };
  },
};

/** The app-password domain of this instance. */
export function appPasswordsOf(registry: MethodRegistry): AppPasswordMethod {
  return registry.get(APP_PASSWORD_ID)!.parts.api as AppPasswordMethod;
}
