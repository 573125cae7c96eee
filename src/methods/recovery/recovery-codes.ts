import { deriveSubkey } from '../../crypto/derive-key.js';
import { hmacSha256 } from '../../crypto/hmac.js';
import type { RandomSource } from '../../crypto/random.js';
import { ReadableCode } from '../../crypto/readable-code.js';
import type { SealingKey } from '../../crypto/secret-box.js';
import type { RecoveryCodeStore } from '../../stores/facets/recovery-codes.js';

/** 4 groups of 4 symbols × 5 bits = 80 random bits per code (≥ 64 required). */
export const RECOVERY_CODE = new ReadableCode(4, 4);
/** Codes in one set. */
export const RECOVERY_CODE_COUNT = 10;
const HMAC_KEY_PURPOSE = 'recovery-code-hmac/v1';

export type RecoveryCodeResult = { ok: true; remaining: number } | { ok: false; reason: 'code_malformed' | 'invalid_code' };

export interface RecoveryCodesOptions {
  store: RecoveryCodeStore;
  keys: readonly SealingKey[];
  random: RandomSource;
}

/**
 * Single-use recovery codes. Only an HMAC-SHA-256 of each code is stored, keyed by
 * HKDF(secretKey) and bound to the user (as app passwords are): 80 random bits cannot be
 * brute-forced from their hash, and a stolen table is useless without secretKey. Using a code is
 * one atomic delete in the store, so of many parallel uses of one code exactly one succeeds.
 */
export class RecoveryCodes {
  readonly #o: RecoveryCodesOptions;
  /** One HMAC key per sealing key, current first, so codes survive a key rotation. */
  readonly #hmacKeys: Buffer[];

  constructor(options: RecoveryCodesOptions) {
    this.#o = options;
    this.#hmacKeys = options.keys.map((key) => deriveSubkey(key, HMAC_KEY_PURPOSE));
  }

  /** A new set for the user, replacing (invalidating) the old one; the plaintext is returned once and never stored. */
  async generate(userId: string): Promise<string[]> {
    const codes = new Set<string>();
    while (codes.size < RECOVERY_CODE_COUNT) codes.add(RECOVERY_CODE.generate(this.#o.random));
    await this.#o.store.replace(userId, [...codes].map((code) => this.#digest(this.#hmacKeys[0]!, userId, code)));
    return [...codes].map((code) => RECOVERY_CODE.format(code));
  }

  /** Uses up the code if it is one of the user's unused ones; says how many are left after it. */
  async use(userId: string, input: unknown): Promise<RecoveryCodeResult> {
    const code = typeof input === 'string' ? RECOVERY_CODE.canonical(input) : null;
    if (code === null) return { ok: false, reason: 'code_malformed' };
    for (const key of this.#hmacKeys) {
      if (await this.#o.store.consume(userId, this.#digest(key, userId, code))) {
        return { ok: true, remaining: await this.#o.store.countRemaining(userId) };
      }
    }
    return { ok: false, reason: 'invalid_code' };
  }

  /** Ends the user's set: no code works any more, and the wizard shows a new set after the next first method. */
  clear(userId: string): Promise<void> {
    return this.#o.store.replace(userId, []);
  }

  remaining(userId: string): Promise<number> {
    return this.#o.store.countRemaining(userId);
  }

  /** The code's fixed alphabet and length keep `userId:code` unambiguous whatever the user id holds. */
  #digest(key: Buffer, userId: string, code: string): string {
    return hmacSha256(key, `${userId}:${code}`);
  }
}
