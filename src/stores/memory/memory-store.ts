import type { MfaStore } from '../mfa-store.js';
import { MemoryAppPasswords } from './memory-app-passwords.js';
import { MemoryCore } from './memory-core.js';
import { MemoryCredentials } from './memory-credentials.js';
import { MemoryPhoneCodes } from './memory-phone-codes.js';
import { MemoryPushSubscriptions } from './memory-push-subscriptions.js';
import { MemoryPush } from './memory-push.js';
import { MemoryRateLimits } from './memory-rate-limits.js';
import { MemoryRecoveryCodes } from './memory-recovery-codes.js';
import { MemorySessionGenerations } from './memory-session-generations.js';

export interface MemoryStoreOptions {
  /**
   * Called once at construction with a warning that data is lost on restart and not shared
   * between processes. @default console.warn
   */
  warn?: (message: string) => void;
}

/**
 * Keeps everything in this process's memory: for tests and development only. It has every
 * facet; each facet method runs synchronously to completion, which is what makes its atomic
 * operations atomic.
 */
export class MemoryStore implements MfaStore {
  #closed = false;
  readonly #ensureOpen = (): void => {
    if (this.#closed) throw new Error('MemoryStore is closed');
  };

  readonly core = new MemoryCore(this.#ensureOpen);
  readonly rateLimits = new MemoryRateLimits(this.#ensureOpen);
  readonly phoneCodes = new MemoryPhoneCodes(this.#ensureOpen);
  readonly appPasswords = new MemoryAppPasswords(this.#ensureOpen);
  readonly push = new MemoryPush(this.#ensureOpen);
  readonly pushSubscriptions = new MemoryPushSubscriptions(this.#ensureOpen);
  readonly credentials = new MemoryCredentials(this.#ensureOpen);
  readonly recoveryCodes = new MemoryRecoveryCodes(this.#ensureOpen);
  readonly sessionGenerations = new MemorySessionGenerations(this.#ensureOpen);

  constructor(options: MemoryStoreOptions = {}) {
    (options.warn ?? console.warn)(
      'passport-mfa: MemoryStore keeps factors and lockouts in memory only. They are lost on restart and ' +
        'not shared between instances. Use SqliteStore (or another persistent store) in production.',
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
