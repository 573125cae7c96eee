import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countryOptions, defaultCountry, GEOGRAPHIC_COUNTRIES, inAllowedCountry, maskPhone, parseMobileNumber } from '../../src/methods/phone/phone-number.js';
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

  it('offers and preselects only allowed countries', () => {
    assert.deepEqual(countryOptions(['US', 'CA']).map((c) => c.label), ['Canada (+1)', 'United States (+1)']);
    assert.equal(defaultCountry('DE', ['en-GB'], ['US', 'CA']), 'US', 'neither the configured nor the browser country is allowed');
    assert.equal(defaultCountry(undefined, ['fr-CA'], ['US', 'CA']), 'CA');
    assert.equal(defaultCountry(undefined, [], ['FR', 'DE']), 'FR', 'no US: the first allowed by name');
  });

  it('by default allows every country and territory, and no non-geographic range', () => {
    assert.ok(GEOGRAPHIC_COUNTRIES.length >= 240);
    assert.ok(GEOGRAPHIC_COUNTRIES.includes('US') && GEOGRAPHIC_COUNTRIES.includes('GG'));
    assert.ok(!(GEOGRAPHIC_COUNTRIES as readonly string[]).includes('001'));
  });
});

describe('parseMobileNumber', () => {
  it('stores numbers in E.164, typed nationally or internationally', () => {
    assert.deepEqual(parseMobileNumber(US_NUMBER.typed, 'US'), { ok: true, e164: US_NUMBER.e164 });
    assert.deepEqual(parseMobileNumber('+1 201-555-0123', 'US'), { ok: true, e164: US_NUMBER.e164 });
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

  // Attack: toll fraud through a number typed with "+" for a country other than the chosen one,
  // e.g. a Caribbean +1 number (a classic premium destination) with "United States" selected.
  it('refuses a number of another country than the chosen one, naming that country to select', () => {
    assert.deepEqual(parseMobileNumber('+1 201-555-0123', 'DE'), {
      ok: false, country: 'US',
      message: 'That number is in United States (+1), not Germany (+49). We selected United States (+1) as the country: check it and the number, then continue.',
    });
    const jamaica = parseMobileNumber('+1 876 555 1234', 'US');
    assert.equal(jamaica.ok, false);
    assert.equal((jamaica as { country?: string }).country, 'JM');
  });

  // Attack: international revenue share fraud through satellite and international-network
  // numbers, which belong to no country (+881 was accepted with "United States" selected).
  it('refuses satellite, international-network and other non-geographic numbers', () => {
    for (const number of ['+881 6 1234 5678', '+870 772 123456', '+882 16 1234 5678', '+883 5100 1234 5678', '+800 1234 5678']) {
      const result = parseMobileNumber(number, 'US');
      assert.equal(result.ok, false, number);
      assert.equal((result as { country?: string }).country, undefined, 'no country to switch to');
    }
    assert.match((parseMobileNumber('+881 6 1234 5678', 'US') as { message: string }).message, /satellite phones and international networks cannot receive sign-in codes/);
  });

  it('accepts numbers of allowed countries only', () => {
    const allowed = ['US', 'CA'];
    assert.deepEqual(parseMobileNumber(US_NUMBER.typed, 'US', allowed), { ok: true, e164: US_NUMBER.e164 });
    assert.match((parseMobileNumber('+1 876 555 1234', 'US', allowed) as { message: string }).message, /cannot be sent to numbers in Jamaica \(\+1\)/);
    assert.deepEqual(parseMobileNumber(UK_MOBILE.typed, 'GB', allowed), { ok: false, message: 'Choose your country.' });
    assert.equal(inAllowedCountry(US_NUMBER.e164, allowed), true);
    assert.equal(inAllowedCountry(UK_MOBILE.e164, allowed), false);
    assert.equal(inAllowedCountry('+881612345678', GEOGRAPHIC_COUNTRIES), false);
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
