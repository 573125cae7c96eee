import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeReturnTo } from '../../src/http/safe-return-to.js';

// Attack: an open redirect. A crafted link sends the victim through our real sign-in and then
// on to a lookalike site (phishing for the next code), via the remembered returnTo.
const ORIGIN = 'https://app.example';
const FALLBACK = '/';

/** What a browser does with the value as a Location header on our origin. */
function assertStaysHome(value: string) {
  const result = safeReturnTo(value, FALLBACK);
  assert.ok(result.startsWith('/') && !result.startsWith('//') && !result.includes('\\'), `${JSON.stringify(value)} → ${result}`);
  assert.equal(new URL(result, ORIGIN).origin, ORIGIN, `${JSON.stringify(value)} → ${result} leaves the origin`);
  return result;
}

describe('safeReturnTo', () => {
  it('keeps same-origin paths with their query and fragment', () => {
    for (const path of ['/', '/account', '/account?tab=security&x=1', '/a/b#section', '/search?q=%2F%2Fevil.com', '/@evil.com', '/evil.com']) {
      assert.equal(safeReturnTo(path, FALLBACK), path);
    }
  });

  const offSite = [
    '//evil.com',
    '//evil.com/path',
    '///evil.com',
    '/\\evil.com',
    '\\\\evil.com',
    '/\\/evil.com',
    'https://evil.com',
    'http://evil.com/',
    'HTTPS://evil.com',
    'https:evil.com',
    'http:evil',
    'http:/evil',
    '//app.example.evil.com',
    'https://app.example.evil.com/',
    'https://app.example@evil.com/',
    '//app.example@evil.com',
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'evil.com',
    'account',
    '',
    '／／evil.com',
    '/\t/evil.com',
    '/\n/evil.com',
    '/\r\n/evil.com',
    '\t//evil.com',
    '/ /evil.com',
    '/\u0000/evil.com',
    '/\u2028/evil.com',
    '/..//evil.com',
    '/.//evil.com',
    '/a/../..//evil.com',
    '/%2e%2e//evil.com',
    '/./\\evil.com',
  ];
  for (const value of offSite) {
    it(`never leaves the origin for ${JSON.stringify(value)}`, () => {
      assertStaysHome(value);
    });
  }

  it('refuses absolute URLs, schemes and protocol-relative values outright (the fallback)', () => {
    for (const value of ['//evil.com', '/\\evil.com', 'https://evil.com', 'javascript:alert(1)', 'http:evil', '/..//evil.com', '/\t/evil.com']) {
      assert.equal(safeReturnTo(value, FALLBACK), FALLBACK, JSON.stringify(value));
    }
  });

  it('keeps percent-encoded slashes as a path on our origin', () => {
    for (const value of ['/%2F%2Fevil.com', '/%2f%2fevil.com', '/%5C%5Cevil.com', '/%09/evil.com']) {
      const result = assertStaysHome(value);
      assert.equal(new URL(result, ORIGIN).host, 'app.example');
    }
  });

  it('refuses values that are not strings', () => {
    for (const value of [undefined, null, 42, ['/a'], { toString: () => '/a' }]) {
      assert.equal(safeReturnTo(value, FALLBACK), FALLBACK);
    }
  });

  it('refuses very long values and keeps reasonable ones', () => {
    const long = `/${'a'.repeat(2047)}`;
    assert.equal(safeReturnTo(long, FALLBACK), long);
    assert.equal(safeReturnTo(`${long}a`, FALLBACK), FALLBACK);
    assert.equal(safeReturnTo(`/${'a'.repeat(1_000_000)}`, FALLBACK), FALLBACK);
  });
});
