import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildEnrollmentUri, checkEnrollment, parseEnrollmentUri } from '../../src/push/enrollment-uri.js';

const URL_ = 'https://app.example/mfa/device/activate/AAAAAAAAAAAAAAAAAAAAAA';

describe('enrollment URI (QR text) and manual Code + URL', () => {
  it('round-trips through build and parse', () => {
    const uri = buildEnrollmentUri({ url: URL_, code: '123456789012' });
    assert.equal(uri, `passport-mfa-push://activate?v=1&url=${encodeURIComponent(URL_)}&code=123456789012`);
    assert.deepEqual(parseEnrollmentUri(uri), { url: URL_, code: '123456789012' });
  });

  it('reads QR text without v (made before the parameter) as version 1, ignores unknown parameters, refuses other versions', () => {
    const expected = { url: URL_, code: '123456789012' };
    assert.deepEqual(parseEnrollmentUri(`passport-mfa-push://activate?url=${encodeURIComponent(URL_)}&code=123456789012`), expected);
    assert.deepEqual(parseEnrollmentUri(`passport-mfa-push://activate?code=123456789012&future=x&v=1&url=${encodeURIComponent(URL_)}`), expected);
    assert.throws(() => parseEnrollmentUri(`passport-mfa-push://activate?v=2&url=${encodeURIComponent(URL_)}&code=123456789012`), /needs a newer app \(push protocol version 2; this app speaks version 1\)/);
  });

  it('accepts a typed code with spaces or hyphens, and http only for localhost', () => {
    assert.equal(checkEnrollment(URL_, '1234 5678-9012').code, '123456789012');
    assert.equal(checkEnrollment('http://localhost:3000/mfa/device/activate/AAAAAAAAAAAAAAAAAAAAAA', '123456789').code, '123456789');
  });

  // Attack: a QR code that sends the device's key and activation to a plain-HTTP or unrelated address.
  it('refuses anything else', () => {
    const bad: Array<[string, string]> = [
      ['http://app.example/mfa/device/activate/AAAAAAAAAAAAAAAAAAAAAA', '123456789012'],
      ['https://app.example/somewhere/else', '123456789012'],
      [`${URL_}?x=1`, '123456789012'],
      [URL_, '1234'],
      [URL_, '12345678901a'],
      ['not a url', '123456789012'],
    ];
    for (const [url, code] of bad) assert.throws(() => checkEnrollment(url, code), TypeError, `${url} ${code}`);
    assert.throws(() => parseEnrollmentUri('otpauth://totp/x?secret=AAAA'), TypeError);
    assert.throws(() => parseEnrollmentUri('hello'), TypeError);
  });
});
