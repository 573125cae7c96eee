import { APP_PASSWORD_DEFAULTS } from './app-password-options.js';
import type { PhoneSettings } from './methods/phone/phone-method.js';
import { GEOGRAPHIC_COUNTRIES } from './methods/phone/phone-number.js';
import type { TotpSettings } from './methods/totp/totp-method.js';
import { PUSH_DEFAULTS } from './push/push-options.js';

export const DEFAULTS = {
  basePath: '/mfa',
  loginPath: '/login',
  logoutPath: '/logout',
  defaultReturnTo: '/',
  strategyName: 'mfa',
  pendingTtlMs: 10 * 60_000,
  reverifyAfterMs: 15 * 60_000,
  allowRemovingLastMethod: false,
  sessionCheckCacheMs: 1000,
  lockout: { threshold: 5, durationMs: 15 * 60_000, hardLimit: 100 },
  totp: { algorithm: 'sha1', digits: 6, period: 30, window: 1, secretBytes: 20 } satisfies TotpSettings,
  phone: { codeDigits: 6, codeTtlMs: 5 * 60_000, sendsPerUserPerHour: 5, sendsPerIpPerHour: 10, allowedCountries: GEOGRAPHIC_COUNTRIES } satisfies PhoneSettings,
  appPasswords: APP_PASSWORD_DEFAULTS,
  push: PUSH_DEFAULTS,
} as const;
