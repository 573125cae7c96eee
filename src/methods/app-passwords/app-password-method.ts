import { hash } from 'node:crypto';
import { AppPasswordLimitError, ConfigurationError } from '../../errors.js';
import { deriveSubkey } from '../../crypto/derive-key.js';
import { hmacSha256 } from '../../crypto/hmac.js';
import { randomId } from '../../crypto/random.js';
import { ReadableCode } from '../../crypto/readable-code.js';
import type { RandomSource } from '../../crypto/random.js';
import type { SealingKey } from '../../crypto/secret-box.js';
import type { BasicCheckCache } from '../../policy/basic-check-cache.js';
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
  /** Keeps records found by find(), emptied on every instance by revoke() and revokeAll(). @default none */
  cache?: BasicCheckCache;
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
    const { cache, clock } = this.#options;
    const generation = cache?.generation ?? 0;
    const readAt = clock();
    for (const key of this.#hmacKeys) {
      const record = await store.findByHash(hmacSha256(key, canonical));
      if (record) {
        cache?.put(cacheKey(canonical), record, readAt, generation);
        return record;
      }
    }
    return null;
  }

  /**
   * The record find() returned for this password within the cache's lifetime, or undefined
   * (only find() can tell). The caller must not change it.
   */
  cached(password: string): AppPasswordRecord | undefined {
    const { cache } = this.#options;
    if (!cache) return undefined;
    const canonical = canonicalAppPassword(password);
    return canonical === null ? undefined : cache.get<AppPasswordRecord>(cacheKey(canonical));
  }

  /** What find() keeps, shared with the Basic failure counters (BasicRateLimit). */
  get cache(): BasicCheckCache | undefined {
    return this.#options.cache;
  }

  isExpired(record: AppPasswordRecord, now = this.#options.clock()): boolean {
    return record.expiresAt !== null && now >= record.expiresAt;
  }

  /** Writes the use at most once a minute: the write's promise, or undefined when there is none to wait for. */
  recordUse(record: AppPasswordRecord, now: number): Promise<void> | undefined {
    if (record.lastUsedAt !== null && now - record.lastUsedAt < TOUCH_EVERY_MS) return undefined;
    return this.#store().touch(record.id, now).then(() => {
      // The cached copy too, or every use would write until it leaves the cache.
      record.lastUsedAt = now;
    });
  }

  list(userId: string): Promise<AppPasswordRecord[]> {
    return this.#store().list(userId);
  }

  async revoke(userId: string, id: string): Promise<boolean> {
    const revoked = await this.#store().delete(userId, id);
    if (revoked) await this.#options.cache?.clearEverywhere();
    return revoked;
  }

  async revokeAll(userId: string): Promise<number> {
    const revoked = await this.#store().deleteAll(userId);
    if (revoked > 0) await this.#options.cache?.clearEverywhere();
    return revoked;
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

/**
 * Where the cache keeps a password's record: a SHA-256 of it, never the password itself (memory
 * may be dumped). The HMAC is for what the store keeps; in this process, where the key lives
 * anyway, a one-shot hash of a 140-bit random secret is as unguessable and ten times cheaper.
 * Records and failure counters share the cache: rate-limit keys never start with `app-password:`.
 */
function cacheKey(canonical: string): string {
  return `app-password:${hash('sha256', canonical, 'base64url')}`;
}

/** Trimmed, 1 to 64 printable characters; throws InvalidInputError with a message for the form. */
export function validateAppPasswordName(input: unknown): string {
  return validateDisplayName(input, 'app password', 'Outlook on my laptop');
}

/** Accepts what users type or paste (any case, dashes or spaces between groups); null when it cannot be one. */
export function canonicalAppPassword(input: string): string | null {
  return CODE.canonical(input);
}
