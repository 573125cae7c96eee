import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeEqual } from '../../src/crypto/safe-equal.js';

// Attack: guessing a CSRF token or one-time code character by character from response times.
// Timing cannot be asserted without flaky timed tests; these pin the behaviour the
// constant-time construction must keep (exact answers, no throw on unequal lengths).
describe('safeEqual', () => {
  it('is true only for identical strings', () => {
    assert.equal(safeEqual('123456', '123456'), true);
    assert.equal(safeEqual('', ''), true);
    assert.equal(safeEqual('ünï©ødé', 'ünï©ødé'), true);
    assert.equal(safeEqual('123456', '123457'), false);
    assert.equal(safeEqual('123456', '023456'), false);
    assert.equal(safeEqual('abc', 'ABC'), false);
    assert.equal(safeEqual('e\u0301', '\u00e9'), false, 'no Unicode normalisation');
  });

  it('answers false (instead of throwing like timingSafeEqual) for different lengths, prefixes and empty input', () => {
    assert.equal(safeEqual('12345', '123456'), false);
    assert.equal(safeEqual('123456', '12345'), false);
    assert.equal(safeEqual('', '123456'), false);
    assert.equal(safeEqual('123456', ''), false);
    assert.equal(safeEqual('a'.repeat(10_000), 'a'.repeat(10_001)), false);
  });
});
