import type { SecretBox } from './crypto/secret-box.js';
import type { MfaEvent } from './events.js';
import type { ViewRenderer } from './http/views.js';
import type { PhoneMethod } from './methods/phone.js';
import type { AppPasswordMethod } from './methods/app-password.js';
import type { TotpMethod } from './methods/totp.js';
import type { ResolvedOptions } from './options.js';
import type { PushMethod } from './methods/push.js';
import type { LockoutPolicy } from './policy/lockout.js';
import type { CompleteStore } from './stores/guarded-store.js';

/** What every part of one createMfa() instance shares. */
export interface MfaContext {
  options: ResolvedOptions;
  /**
   * The host's store, wrapped so backend failures become 503 StoreUnavailableError; a facet it
   * lacks refuses every call (createMfa() checked that every enabled feature's facets are there).
   */
  store: CompleteStore;
  box: SecretBox;
  totp: TotpMethod;
  /** SMS/voice codes; null when createMfa() got no `sms` transport. */
  phone: PhoneMethod | null;
  lockout: LockoutPolicy;
  push: PushMethod;
  /** MAC key of the push result-stream tokens (see push/stream-token.ts), derived once. */
  streamTokenKey: Buffer;
  /** The instance's admin operations, for methods that must call them (set by createMfa). */
  admin?: { unlock(userId: string): Promise<void>; revokeAppPasswords?(userId: string): Promise<unknown> };
  views: ViewRenderer;
  emit(event: Omit<MfaEvent, 'at'>): void;
  appPasswords: AppPasswordMethod;
}
