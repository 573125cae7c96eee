import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidInputError } from '../../src/errors.js';
import { normalizeOtpCode } from '../../src/methods/otp-code.js';

describe('normalizeOtpCode', () => {
  it('keeps exactly the digits, dropping the spaces and hyphens people type for readability', () => {
    assert.equal(normalizeOtpCode('123456', 6), '123456');
    assert.equal(normalizeOtpCode('123 456', 6), '123456');
    assert.equal(normalizeOtpCode('123-456', 6), '123456');
    assert.equal(normalizeOtpCode(' 12 34-56 ', 6), '123456');
    assert.equal(normalizeOtpCode('012345', 6), '012345', 'leading zeros are part of the code');
    assert.equal(normalizeOtpCode('1234 5678', 8), '12345678');
  });

  // Attack: malformed input (type confusion via qs arrays/objects, lookalike digits, oversized
  // bodies) reaching the comparison or crashing the handler instead of a clean 400.
  const refused: readonly [string, unknown][] = [
    ['5 digits', '12345'],
    ['7 digits', '1234567'],
    ['empty string', ''],
    ['only separators', ' - '],
    ['Arabic-Indic digits', '١٢٣٤٥٦'],
    ['full-width digits', '１２３４５６'],
    ['Devanagari digits', '१२३४५६'],
    ['a letter among digits', '12345a'],
    ['a sign', '+12345'],
    ['a decimal point', '123.456'],
    ['an array', ['123456']],
    ['an array of two codes', ['123456', '654321']],
    ['an object', { code: '123456' }],
    ['a number', 123456],
    ['null', null],
    ['undefined', undefined],
    ['a boolean', true],
    ['a 10 KB string of digits', '1'.repeat(10 * 1024)],
    ['a 10 KB string of spaces around a valid code', `${' '.repeat(10 * 1024)}123456`],
  ];
  for (const [name, value] of refused) {
    it(`refuses ${name} with InvalidInputError (400)`, () => {
      assert.throws(
        () => normalizeOtpCode(value, 6),
        (err: unknown) => err instanceof InvalidInputError && err.status === 400 && err.expose && err.message.length > 0,
      );
    });
  }
});
