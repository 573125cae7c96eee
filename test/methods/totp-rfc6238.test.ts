import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { totpAt } from '../../src/methods/totp/totp-method.js';
import type { TotpAlgorithm } from '../../src/methods/totp/totp-method.js';

// RFC 6238 Appendix B. Its table names one seed, but its reference code keys SHA-256 and SHA-512
// with the ASCII digits repeated to 32 and 64 bytes; with the 20-byte seed those vectors do not match.
const SEEDS: Record<TotpAlgorithm, Buffer> = {
  sha1: Buffer.from('12345678901234567890', 'ascii'),
  sha256: Buffer.from('12345678901234567890123456789012', 'ascii'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
};

const VECTORS: readonly { time: number; codes: Record<TotpAlgorithm, string> }[] = [
  { time: 59, codes: { sha1: '94287082', sha256: '46119246', sha512: '90693936' } },
  { time: 1111111109, codes: { sha1: '07081804', sha256: '68084774', sha512: '25091201' } },
  { time: 1111111111, codes: { sha1: '14050471', sha256: '67062674', sha512: '99943326' } },
  { time: 1234567890, codes: { sha1: '89005924', sha256: '91819424', sha512: '93441116' } },
  { time: 2000000000, codes: { sha1: '69279037', sha256: '90698825', sha512: '38618901' } },
  // Beyond 2^32 seconds: the time-step counter no longer fits the low 32 bits (year 2603).
  { time: 20000000000, codes: { sha1: '65353130', sha256: '77737706', sha512: '47863826' } },
];

describe('totpAt: RFC 6238 Appendix B test vectors (8 digits, 30 s)', () => {
  for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
    it(`${algorithm.toUpperCase()} with the ${SEEDS[algorithm].length}-byte seed`, () => {
      assert.equal(SEEDS[algorithm].length, { sha1: 20, sha256: 32, sha512: 64 }[algorithm]);
      for (const { time, codes } of VECTORS) {
        assert.equal(totpAt(SEEDS[algorithm], time, { algorithm, digits: 8, period: 30 }), codes[algorithm], `T = ${time}`);
      }
    });
  }
});
