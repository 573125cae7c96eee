import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countryOptions, defaultCountry, maskPhone, parseMobileNumber } from '../../src/methods/phone/phone-number.js';
import { UK_MOBILE, US_NUMBER } from '../support/phone.js';

describe('country list', () => {
  it('has every libphonenumber-js country with its calling code, sorted by English name', () => {
    const labels = countryOptions().map((c) => c.label);
    assert.ok(labels.length >= 240, `only ${labels.length} countries`);
    assert.ok(labels.includes('United States (+1)'));
    assert.ok(labels.includes('United Kingdom (+44)'));
    assert.ok(labels.includes('Germany (+49)'));
    assert.deepEqual(labels, [...labels].sort((a, b) => a.localeCompare(b, 'en')));
    assert.equal(new Set(countryOptions().map((c) => c.code)).size, labels.length, 'no duplicates');
  });

  it('defaults to the configured country, else the Accept-Language region, else the US', () => {
    assert.equal(defaultCountry('DE', ['en-GB']), 'DE');
    assert.equal(defaultCountry(undefined, ['en-GB', 'en']), 'GB');
    assert.equal(defaultCountry(undefined, ['fr', 'pt-BR']), 'BR', 'the first tag with a region');
    assert.equal(defaultCountry(undefined, ['zh-Hant-TW']), 'TW', 'a script subtag before the region');
    assert.equal(defaultCountry(undefined, ['de', '*']), 'US');
    assert.equal(defaultCountry('ZZ', ['en-XX']), 'US', 'unknown codes are ignored');
  });
});

describe('parseMobileNumber', () => {
  it('stores numbers in E.164, typed nationally or internationally', () => {
    assert.deepEqual(parseMobileNumber(US_NUMBER.typed, 'US'), { ok: true, e164: US_NUMBER.e164 });
    assert.deepEqual(parseMobileNumber('+1 201-555-0123', 'DE'), { ok: true, e164: US_NUMBER.e164 });
    assert.deepEqual(parseMobileNumber(UK_MOBILE.typed, 'GB'), { ok: true, e164: UK_MOBILE.e164 });
  });

  it('refuses invalid input with a message that names the country', () => {
    for (const bad of ['12', '555-0123', 'call me maybe', '2015550123999999', '+999 123 456 789']) {
      const result = parseMobileNumber(bad, 'US');
      assert.equal(result.ok, false, bad);
      assert.match((result as { message: string }).message, /not a valid mobile phone number for United States \(\+1\)/);
    }
    assert.deepEqual(parseMobileNumber('', 'US'), { ok: false, message: 'Enter your mobile phone number.' });
    assert.deepEqual(parseMobileNumber(['2015550123'], 'US'), { ok: false, message: 'Enter your mobile phone number.' });
    assert.deepEqual(parseMobileNumber(US_NUMBER.typed, 'XX'), { ok: false, message: 'Choose your country.' });
  });

  // Attack: SMS toll fraud (SMS pumping): an attacker enrolls premium-rate numbers it is paid for.
  it('refuses premium-rate, shared-cost, toll-free and personal numbers', () => {
    for (const [number, country] of [['1 900 555 0123', 'US'], ['09001 234567', 'GB'], ['0700 123 4567', 'GB'], ['0800 123 4567', 'GB'], ['0845 464 4567', 'GB']] as const) {
      const result = parseMobileNumber(number, country);
      assert.equal(result.ok, false, number);
      assert.match((result as { message: string }).message, /cannot receive sign-in codes/);
    }
  });

  it('refuses landlines and extensions', () => {
    assert.match((parseMobileNumber('020 7946 0018', 'GB') as { message: string }).message, /landline/);
    assert.equal(parseMobileNumber('201 555 0123 ext. 12', 'US').ok, false);
  });
});

describe('maskPhone', () => {
  it('keeps the calling code and the last four digits only', () => {
    assert.equal(maskPhone('+14155554567'), '+1 ••• ••• 4567');
    assert.equal(maskPhone(UK_MOBILE.e164), UK_MOBILE.masked);
  });
});
