import { AppPasswordLimitError, ConfigurationError } from '../../errors.js';
import { deriveSubkey } from '../../crypto/derive-key.js';
import { hmacSha256 } from '../../crypto/hmac.js';
import { randomId } from '../../crypto/random.js';
import { ReadableCode } from '../../crypto/readable-code.js';
import type { RandomSource } from '../../crypto/random.js';
import type { SealingKey } from '../../crypto/secret-box.js';
import type { ResolvedAppPasswordOptions } from '../../options.js';
import type { AppPasswordRecord, AppPasswordStore } from '../../stores/facets/app-passwords.js';
import { facetProblems, hasFacets } from '../../stores/mfa-store.js';
import type { MfaStore } from '../../stores/mfa-store.js';
import { validateDisplayName } from '../display-name.js';

/** The id of the app-password credential: the `method` of its events and of the Basic strategy's success. */
export const APP_PASSWORD_ID = 'app_password';

/** 7 groups of 4 symbols × 5 bits = 140 bits from the CSPRNG (≥ 128 required). */
const CODE = new ReadableCode(7, 4);
export const APP_PASSWORD_ENTROPY_BITS = CODE.entropyBits;
const HMAC_KEY_PURPOSE = 'app-password-hmac/v1';
/** A use is written at most this often per password: "last used" to the minute, not a write per request. */
const TOUCH_EVERY_MS = 60_000;
/** The store facets app passwords need: their own, and the rate limits of failed Basic attempts. */
const FACETS = ['appPasswords', 'rateLimits'] as const;

export interface AppPasswordMethodOptions {
  /** Without the app-password facets the feature is hidden (supported() is false). */
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
  #checked: AppPasswordStore | undefined;

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
    if (!(await store.create(record, { maxPerUser: settings.maxPerUser, now }))) {
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
      const record = await store.findByHash(hmacSha256(key, canonical));
      if (record) return record;
    }
    return null;
  }

  isExpired(record: AppPasswordRecord, now = this.#options.clock()): boolean {
    return record.expiresAt !== null && now >= record.expiresAt;
  }

  async recordUse(record: AppPasswordRecord, now: number): Promise<void> {
    if (record.lastUsedAt === null || now - record.lastUsedAt >= TOUCH_EVERY_MS) await this.#store().touch(record.id, now);
  }

  list(userId: string): Promise<AppPasswordRecord[]> {
    return this.#store().list(userId);
  }

  revoke(userId: string, id: string): Promise<boolean> {
    return this.#store().delete(userId, id);
  }

  revokeAll(userId: string): Promise<number> {
    return this.#store().deleteAll(userId);
  }

  /** Whether the store has the app-password facets (a custom store may leave them out). */
  supported(): boolean {
    return hasFacets(this.#options.store, FACETS);
  }

  /** The store's app-password facet, checked on first use (not on every Basic request). */
  #store(): AppPasswordStore {
    if (this.#checked) return this.#checked;
    const { store } = this.#options;
    const problems = facetProblems(store, FACETS);
    if (!store.appPasswords || problems.length > 0) {
      throw new ConfigurationError(`passport-mfa: app passwords need the store's appPasswords and rateLimits facets, but it ${problems.join('; ')} (MemoryStore and SqliteStore have them).`);
    }
    return (this.#checked = store.appPasswords);
  }
}

/** Trimmed, 1 to 64 printable characters; throws InvalidInputError with a message for the form. */
export function validateAppPasswordName(input: unknown): string {
  return validateDisplayName(input, 'app password', 'Outlook on my laptop');
}

/** Accepts what users type or paste (any case, dashes or spaces between groups); null when it cannot be one. */
export function canonicalAppPassword(input: string): string | null {
  return CODE.canonical(input);
}
