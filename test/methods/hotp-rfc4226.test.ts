import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { totpAt } from '../../src/methods/totp/totp-method.js';

const SEED = Buffer.from('12345678901234567890', 'ascii');

// RFC 4226 Appendix D, counters 0 to 9.
const CODES = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

describe('totpAt: RFC 4226 Appendix D HOTP test vectors (SHA-1, 6 digits)', () => {
  it('gives the HOTP value for counters 0..9', () => {
    // TOTP is HOTP with counter = floor(epoch / period) (RFC 6238 section 4), so the HOTP value at
    // counter c is the TOTP value at epoch c * period. This checks the HOTP core (HMAC, dynamic
    // truncation, 6-digit modulus) through the one function the package actually uses.
    CODES.forEach((code, counter) => {
      assert.equal(totpAt(SEED, counter * 30, { algorithm: 'sha1', digits: 6, period: 30 }), code, `counter ${counter}`);
    });
  });
});
