import { createCipheriv, createDecipheriv } from 'node:crypto';
import { ConfigurationError } from '../errors.js';
import type { RandomSource } from './random.js';

/** One AES-256 key with the id written next to everything it seals, so keys can rotate. */
export interface SealingKey {
  /** Short id stored in each sealed value: letters, digits, '_' or '-'. */
  id: string;
  /** 32 bytes: a Buffer, or a string of 64 hex characters or 43/44 base64 characters. */
  key: Buffer | string;
}

const FORMAT = 'v1';
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Seals secrets at rest with AES-256-GCM. The first key seals; every key can open, so a new
 * key is rotated in by putting it first and keeping the old ones until re-sealed.
 * Sealed form: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts). The caller's
 * `context` (e.g. the factor id) is bound as additional authenticated data, so a sealed value
 * copied onto another record fails to open.
 */
export class SecretBox {
  readonly #keys: Map<string, Buffer>;
  readonly #current: string;
  readonly #random: RandomSource;

  constructor(keys: readonly SealingKey[], random: RandomSource) {
    if (keys.length === 0) throw new ConfigurationError('secretKey: give at least one 32-byte key.');
    this.#keys = new Map();
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id)) throw new ConfigurationError(`secretKey: key id "${id}" must match ${KEY_ID}.`);
      if (this.#keys.has(id)) throw new ConfigurationError(`secretKey: key id "${id}" is used twice.`);
      this.#keys.set(id, decodeKey(id, key));
    }
    this.#current = keys[0]!.id;
    this.#random = random;
  }

  seal(plaintext: Buffer, context: string): string {
    const iv = this.#random(12);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(this.#current)!, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [FORMAT, this.#current, iv, body, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Throws when the value is malformed, sealed under an unknown key, tampered with, or moved. */
  open(sealed: string, context: string): Buffer {
    const [format, keyId, iv, body, tag, ...rest] = sealed.split('.');
    if (format !== FORMAT || rest.length > 0 || !keyId || iv === undefined || body === undefined || !tag) {
      throw new Error('sealed secret is malformed');
    }
    const key = this.#keys.get(keyId);
    if (!key) throw new Error(`sealed secret uses unknown key id "${keyId}"`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  }

  /** Whether the value was sealed under an older key and should be re-sealed. */
  needsRotation(sealed: string): boolean {
    return sealed.split('.')[1] !== this.#current;
  }
}

/** The 32 raw bytes of a configured key (Buffer, hex or base64); throws ConfigurationError otherwise. */
export function decodeKey(id: string, key: Buffer | string): Buffer {
  let bytes: Buffer;
  if (Buffer.isBuffer(key)) bytes = key;
  else if (/^[0-9a-fA-F]{64}$/.test(key)) bytes = Buffer.from(key, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(key)) bytes = Buffer.from(key, key.includes('-') || key.includes('_') ? 'base64url' : 'base64');
  else bytes = Buffer.alloc(0);
  if (bytes.length !== 32) {
    throw new ConfigurationError(
      `secretKey: key "${id}" must be 32 bytes (64 hex characters or base64). ` +
        `Generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('hex'))"`,
    );
  }
  return bytes;
}
