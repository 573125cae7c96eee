import { AppPasswordLimitError, ConfigurationError, InvalidInputError } from '../errors.js';
import { deriveSubkey } from '../crypto/derive-key.js';
import { hmacSha256 } from '../crypto/hmac.js';
import { randomId } from '../crypto/random.js';
import { ReadableCode } from '../crypto/readable-code.js';
import type { RandomSource } from '../crypto/random.js';
import type { SealingKey } from '../crypto/secret-box.js';
import type { ResolvedAppPasswordOptions } from '../options.js';
import type { AppPasswordRecord, MfaStore } from '../stores/store.js';
import { missingStoreMethods, STORE_METHODS } from '../stores/store-methods.js';

/** 7 groups of 4 symbols × 5 bits = 140 bits from the CSPRNG (≥ 128 required). */
const CODE = new ReadableCode(7, 4);
export const APP_PASSWORD_ENTROPY_BITS = CODE.entropyBits;
const HMAC_KEY_PURPOSE = 'app-password-hmac/v1';
/** A use is written at most this often per password: "last used" to the minute, not a write per request. */
const TOUCH_EVERY_MS = 60_000;
const NAME_MAX = 64;

export interface AppPasswordMethodOptions {
  store: MfaStore;
  keys: readonly SealingKey[];
  settings: ResolvedAppPasswordOptions;
  clock: () => number;
  random: RandomSource;
}

/**
 * App passwords for non-browser apps. Only an HMAC-SHA-256 of each password is stored, keyed by
 * HKDF(secretKey). A fast keyed hash is enough here, unlike for account passwords: a 140-bit
 * random secret cannot be brute-forced from its hash, so a slow KDF would only slow every
 * Basic request down; the key additionally makes a stolen table useless without secretKey.
 * The HMAC is also the lookup key (unique index), so a check is one indexed query.
 */
export class AppPasswordMethod {
  readonly #options: AppPasswordMethodOptions;
  /** One HMAC key per sealing key, current first, so passwords survive a key rotation. */
  readonly #hmacKeys: Buffer[];
  #storeChecked = false;

  constructor(options: AppPasswordMethodOptions) {
    this.#options = options;
    this.#hmacKeys = options.keys.map((key) => deriveSubkey(key, HMAC_KEY_PURPOSE));
  }

  /** Creates one for the user; the plaintext is returned once and never stored. */
  async create(userId: string, nameInput: unknown): Promise<{ record: AppPasswordRecord; password: string }> {
    const name = validateAppPasswordName(nameInput);
    const { settings, clock, random } = this.#options;
    const store = this.#store();
    const canonical = CODE.generate(random);
    const now = clock();
    const record: AppPasswordRecord = {
      id: randomId(random),
      userId,
      name,
      hash: hmacSha256(this.#hmacKeys[0]!, canonical),
      scope: settings.scope === null ? null : [...settings.scope],
      createdAt: now,
      expiresAt: settings.maxAgeMs === null ? null : now + settings.maxAgeMs,
      lastUsedAt: null,
    };
    if (!(await store.createAppPassword(record, { maxPerUser: settings.maxPerUser, now }))) {
      throw new AppPasswordLimitError(settings.maxPerUser);
    }
    return { record, password: CODE.format(canonical) };
  }

  /** The stored record this password belongs to (expired or not), or null. */
  async find(password: string): Promise<AppPasswordRecord | null> {
    const store = this.#store();
    const canonical = canonicalAppPassword(password);
    if (canonical === null) return null;
    for (const key of this.#hmacKeys) {
      const record = await store.findAppPasswordByHash(hmacSha256(key, canonical));
      if (record) return record;
    }
    return null;
  }

  isExpired(record: AppPasswordRecord, now = this.#options.clock()): boolean {
    return record.expiresAt !== null && now >= record.expiresAt;
  }

  async recordUse(record: AppPasswordRecord, now: number): Promise<void> {
    if (record.lastUsedAt === null || now - record.lastUsedAt >= TOUCH_EVERY_MS) await this.#store().touchAppPassword(record.id, now);
  }

  list(userId: string): Promise<AppPasswordRecord[]> {
    return this.#store().listAppPasswords(userId);
  }

  revoke(userId: string, id: string): Promise<boolean> {
    return this.#store().deleteAppPassword(userId, id);
  }

  revokeAll(userId: string): Promise<number> {
    return this.#store().deleteAppPasswords(userId);
  }

  /** Whether the store implements the app-password methods (custom stores may predate them). */
  supported(): boolean {
    return missingStoreMethods(this.#options.store, STORE_METHODS.appPasswords).length === 0;
  }

  #store(): MfaStore {
    const { store } = this.#options;
    if (!this.#storeChecked) {
      const missing = missingStoreMethods(store, STORE_METHODS.appPasswords);
      if (missing.length > 0) {
        throw new ConfigurationError(`passport-mfa: app passwords need a store implementing ${missing.join(', ')} (MemoryStore and SqliteStore do).`);
      }
      this.#storeChecked = true;
    }
    return store;
  }
}

/** Trimmed, 1 to 64 printable characters; throws InvalidInputError with a message for the form. */
export function validateAppPasswordName(input: unknown): string {
  const name = typeof input === 'string' ? input.normalize('NFC').trim() : '';
  const length = [...name].length;
  if (length < 1 || length > NAME_MAX) {
    throw new InvalidInputError(`Give the app password a name of 1 to ${NAME_MAX} characters, e.g. "Outlook on my laptop".`, 'invalid_name');
  }
  // \p{C}: control, format (e.g. bidi overrides), surrogate, private-use and unassigned code points.
  if (/\p{C}/u.test(name)) throw new InvalidInputError('The name can contain only printable characters.', 'invalid_name');
  return name;
}

/** Accepts what users type or paste (any case, dashes or spaces between groups); null when it cannot be one. */
export function canonicalAppPassword(input: string): string | null {
  return CODE.canonical(input);
}
