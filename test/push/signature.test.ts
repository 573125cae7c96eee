import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePublicJwk, verifySignature } from '../../src/push/signature.js';
import { sign } from '../support/device-signer.js';

async function keyPair() {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
  return { privateKey: keys.privateKey, jwk: parsePublicJwk(jwk)! };
}

describe('ECDSA P-256 signature verification (node:crypto on a WebCrypto JWK)', () => {
  it('verifies a WebCrypto signature (P1363) over the exact message', async () => {
    const { privateKey, jwk } = await keyPair();
    const signature = await sign(privateKey, '{"a":1}');
    assert.equal(verifySignature(jwk, '{"a":1}', signature), true);
    assert.equal(verifySignature(jwk, '{"a":2}', signature), false);
  });

  // Attack: presenting a signature made by another key, or in another encoding.
  it('refuses other keys, DER encodings, garbage and non-strings without throwing', async () => {
    const { privateKey, jwk } = await keyPair();
    const other = await keyPair();
    const signature = await sign(privateKey, 'm');
    assert.equal(verifySignature(other.jwk, 'm', signature), false);
    const raw = Buffer.from(signature, 'base64url');
    const der = Buffer.concat([Buffer.from([0x30, 0x44, 0x02, 0x20]), raw.subarray(0, 32), Buffer.from([0x02, 0x20]), raw.subarray(32)]);
    for (const bad of [der.toString('base64url'), 'A'.repeat(86), '', 42, null, signature + 'A']) {
      assert.equal(verifySignature(jwk, 'm', bad), false, String(bad));
    }
  });

  it('accepts only P-256 public JWKs and keeps only kty, crv, x, y', async () => {
    const { jwk } = await keyPair();
    assert.deepEqual(parsePublicJwk({ ...jwk, ext: true, key_ops: ['verify'] }), jwk);
    const bad = [
      { ...jwk, d: 'A'.repeat(43) },
      { ...jwk, crv: 'P-384' },
      { ...jwk, kty: 'RSA' },
      { ...jwk, x: 'short' },
      { ...jwk, x: 'A'.repeat(43) }, // not a point on the curve
      null,
      'jwk',
    ];
    for (const value of bad) assert.equal(parsePublicJwk(value), null, JSON.stringify(value));
  });
});
