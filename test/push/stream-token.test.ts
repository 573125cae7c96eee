import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveSubkey } from '../../src/crypto/derive-key.js';
import { mintStreamToken, openStreamToken } from '../../src/push/stream-token.js';

const key = deriveSubkey({ id: 'k1', key: '0f'.repeat(32) }, 'push-stream-token/v1');
const ID = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('push stream capability tokens', () => {
  it('opens to its challenge until the challenge expires', () => {
    const token = mintStreamToken(key, ID, 1_000);
    assert.deepEqual(openStreamToken(key, token, 999), { challengeId: ID, expiresAt: 1_000 });
    assert.equal(openStreamToken(key, token, 1_000), null);
  });

  it('carries no secret: the payload is only the challenge id and the expiry', () => {
    const [payload] = mintStreamToken(key, ID, 1_000).split('.');
    assert.deepEqual(JSON.parse(Buffer.from(payload!, 'base64url').toString()), { c: ID, e: 1_000 });
  });

  // Attack: rewriting a token to watch someone else's challenge or to extend its life.
  it('refuses tampered payloads, forged or truncated MACs, other key and garbage', () => {
    const token = mintStreamToken(key, ID, 1_000);
    const [, mac] = token.split('.');
    const other = Buffer.from(JSON.stringify({ c: 'BBBBBBBBBBBBBBBBBBBBBB', e: 1_000 })).toString('base64url');
    const later = Buffer.from(JSON.stringify({ c: ID, e: 9_999 })).toString('base64url');
    const otherKey = deriveSubkey({ id: 'k1', key: 'f0'.repeat(32) }, 'push-stream-token/v1');
    for (const bad of [`${other}.${mac}`, `${later}.${mac}`, token.slice(0, -2), `${token}.x`, mintStreamToken(otherKey, ID, 1_000), '', 'x', 'a'.repeat(300)]) {
      assert.equal(openStreamToken(key, bad, 0), null, bad);
    }
  });
});
