import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { secureRandom } from '../../src/crypto/random.js';
import { SecretBox } from '../../src/crypto/secret-box.js';
import type { SealingKey } from '../../src/crypto/secret-box.js';
import { ConfigurationError } from '../../src/errors.js';

// Attack: reading, altering or moving TOTP seeds in a stolen or writable database.
const KEY_A = randomBytes(32);
const KEY_B = randomBytes(32);
const SEED = Buffer.from('12345678901234567890');
const box = (...keys: SealingKey[]) => new SecretBox(keys, secureRandom);

/** Flips one bit in the base64url part `index` of a sealed value. */
function tamper(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[0]! ^= 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('SecretBox', () => {
  it('round-trips a secret, and the sealed form neither contains nor reveals it', () => {
    const b = box({ id: 'k1', key: KEY_A });
    const sealed = b.seal(SEED, 'totp:f1:alice');
    assert.match(sealed, /^v1\.k1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    for (const encoding of ['hex', 'base64', 'base64url', 'latin1'] as const) {
      assert.ok(!sealed.includes(SEED.toString(encoding)), `plaintext visible as ${encoding}`);
    }
    assert.deepEqual(b.open(sealed, 'totp:f1:alice'), SEED);
  });

  it('uses a fresh IV per seal: sealing the same secret twice gives different values', () => {
    const b = box({ id: 'k1', key: KEY_A });
    assert.notEqual(b.seal(SEED, 'c'), b.seal(SEED, 'c'));
  });

  it('refuses a value whose IV, ciphertext or tag was altered', () => {
    const b = box({ id: 'k1', key: KEY_A });
    const sealed = b.seal(SEED, 'c');
    for (const [index, part] of [[2, 'iv'], [3, 'ciphertext'], [4, 'tag']] as const) {
      assert.throws(() => b.open(tamper(sealed, index), 'c'), Error, `altered ${part} must not open`);
    }
  });

  it('refuses malformed values', () => {
    const b = box({ id: 'k1', key: KEY_A });
    const sealed = b.seal(SEED, 'c');
    for (const bad of ['', 'v1', sealed.replace(/^v1/, 'v2'), `${sealed}.extra`, sealed.split('.').slice(0, 4).join('.')]) {
      assert.throws(() => b.open(bad, 'c'), Error, JSON.stringify(bad));
    }
  });

  it('refuses a value opened under another context (a seed copied onto another factor or user)', () => {
    const b = box({ id: 'k1', key: KEY_A });
    const sealed = b.seal(SEED, 'totp:f1:alice');
    assert.throws(() => b.open(sealed, 'totp:f1:mallory'));
    assert.throws(() => b.open(sealed, 'totp:f2:alice'));
    assert.throws(() => b.open(sealed, ''));
  });

  it('refuses a value sealed under a key it does not hold, or relabelled with another key id', () => {
    const sealed = box({ id: 'k1', key: KEY_A }).seal(SEED, 'c');
    assert.throws(() => box({ id: 'k1', key: KEY_B }).open(sealed, 'c'), 'same id, different key');
    assert.throws(() => box({ id: 'k2', key: KEY_A }).open(sealed, 'c'), /unknown key id "k1"/);
    assert.throws(() => box({ id: 'k1', key: KEY_A }, { id: 'k2', key: KEY_B }).open(sealed.replace('.k1.', '.k2.'), 'c'));
  });

  it('rotates: a value sealed under the old key opens after a new key is put first, and new seals use the new key', () => {
    const oldBox = box({ id: 'old', key: KEY_A });
    const sealedOld = oldBox.seal(SEED, 'c');
    const rotated = box({ id: 'new', key: KEY_B }, { id: 'old', key: KEY_A });

    assert.deepEqual(rotated.open(sealedOld, 'c'), SEED);
    assert.equal(rotated.needsRotation(sealedOld), true);
    const resealed = rotated.seal(rotated.open(sealedOld, 'c'), 'c');
    assert.match(resealed, /^v1\.new\./);
    assert.equal(rotated.needsRotation(resealed), false);
    assert.equal(oldBox.needsRotation(sealedOld), false);
    assert.throws(() => oldBox.open(resealed, 'c'), 'the old box does not hold the new key');
    // Once re-sealed, the old key can be dropped.
    assert.deepEqual(box({ id: 'new', key: KEY_B }).open(resealed, 'c'), SEED);
  });

  it('accepts the same 32-byte key as a Buffer, 64 hex characters, base64 or base64url', () => {
    const raw = Buffer.from('fb'.repeat(32), 'hex');
    const sealed = box({ id: 'k', key: raw }).seal(SEED, 'c');
    for (const key of [raw.toString('hex'), raw.toString('base64'), raw.toString('base64url')]) {
      assert.deepEqual(box({ id: 'k', key }).open(sealed, 'c'), SEED, key);
    }
  });

  describe('refuses unusable keys with a ConfigurationError naming the secretKey option', () => {
    const cases: Record<string, SealingKey[]> = {
      'no key': [],
      '31-byte Buffer': [{ id: 'k', key: randomBytes(31) }],
      '33-byte Buffer': [{ id: 'k', key: randomBytes(33) }],
      '16-byte (AES-128) key': [{ id: 'k', key: randomBytes(16) }],
      '63 hex characters': [{ id: 'k', key: 'a'.repeat(63) }],
      '66 hex characters': [{ id: 'k', key: 'a'.repeat(66) }],
      'a passphrase': [{ id: 'k', key: 'correct horse battery staple' }],
      'an empty string': [{ id: 'k', key: '' }],
      'base64 of 24 bytes': [{ id: 'k', key: randomBytes(24).toString('base64') }],
      'a key id with a dot (would break the sealed format)': [{ id: 'k.1', key: KEY_A }],
      'an empty key id': [{ id: '', key: KEY_A }],
      'a duplicate key id': [{ id: 'k', key: KEY_A }, { id: 'k', key: KEY_B }],
    };
    for (const [name, keys] of Object.entries(cases)) {
      it(name, () => {
        assert.throws(() => new SecretBox(keys, secureRandom), (error: unknown) => {
          assert.ok(error instanceof ConfigurationError, String(error));
          assert.match(error.message, /\bsecretKey\b/);
          return true;
        });
      });
    }
  });
});
