import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { deriveSubkey } from '../../src/crypto/derive-key.js';

// Attack: using a hash or MAC made for one purpose (a phone code) as another (an app password),
// or one made under one sealing key under another.
describe('deriveSubkey', () => {
  const a = { id: 'a', key: randomBytes(32) };
  const b = { id: 'b', key: randomBytes(32) };

  it('gives each purpose and each sealing key its own 32-byte key, the same on every call', () => {
    const keys = [deriveSubkey(a, 'phone-code-hmac/v1'), deriveSubkey(a, 'app-password-hmac/v1'), deriveSubkey(b, 'phone-code-hmac/v1')];
    for (const key of keys) assert.equal(key.length, 32);
    assert.equal(new Set(keys.map((k) => k.toString('hex'))).size, keys.length);
    assert.deepEqual(deriveSubkey(a, 'phone-code-hmac/v1'), keys[0]);
    assert.ok(!keys.some((k) => k.equals(a.key) || k.equals(b.key)), 'never the sealing key itself');
  });
});
