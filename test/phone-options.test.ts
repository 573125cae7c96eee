import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../src/errors.js';
import { createMfa } from '../src/mfa.js';
import { GEOGRAPHIC_COUNTRIES } from '../src/methods/phone/phone-number.js';
import { DEFAULTS, resolveOptions } from '../src/options.js';
import type { MfaOptions } from '../src/options.js';
import { MemoryStore } from '../src/stores/memory/memory-store.js';
import { OutboxTransport } from '../src/transports/outbox-transport.js';
import { SECRET_KEY } from './support/harness.js';

const base = (): MfaOptions => ({ issuer: 'Contoso', store: new MemoryStore({ warn: () => {} }), secretKey: SECRET_KEY });

describe('phone options', () => {
  it('documents its defaults: 6 digits, 5 minutes, 5 sends per user and 10 per IP per hour', () => {
    assert.deepEqual(DEFAULTS.phone, { codeDigits: 6, codeTtlMs: 300_000, sendsPerUserPerHour: 5, sendsPerIpPerHour: 10, allowedCountries: GEOGRAPHIC_COUNTRIES });
    const resolved = resolveOptions({ ...base(), sms: new OutboxTransport() });
    assert.equal(resolved.phone.codeTtlMs, 300_000);
    assert.equal(resolved.phone.defaultCountry, undefined);
  });

  it('phone features are off without an sms transport', () => {
    assert.equal(resolveOptions(base()).sms, undefined);
  });

  it('refuses a code lifetime over 10 minutes and codes shorter than 6 digits, saying how to fix it', () => {
    assert.throws(() => resolveOptions({ ...base(), sms: new OutboxTransport(), phone: { codeTtlMs: 600_001 } }), /phone\.codeTtlMs: must be at most 600000 \(10 minutes\)/);
    assert.throws(() => resolveOptions({ ...base(), sms: new OutboxTransport(), phone: { codeDigits: 4 } }), /phone\.codeDigits: must be at least 6/);
    assert.throws(() => resolveOptions({ ...base(), phone: { defaultCountry: 'usa' } }), /ISO 3166/);
  });

  it('checks phone.allowedCountries: known codes, at least one, holding defaultCountry', () => {
    assert.deepEqual(resolveOptions({ ...base(), phone: { allowedCountries: ['US', 'CA'] } }).phone.allowedCountries, ['US', 'CA']);
    assert.throws(() => resolveOptions({ ...base(), phone: { allowedCountries: ['US', 'XX'] } }), /phone\.allowedCountries\.1: "XX" is not an ISO 3166 country code/);
    assert.throws(() => resolveOptions({ ...base(), phone: { allowedCountries: ['001'] } }), /"001" is not an ISO 3166 country code/);
    assert.throws(() => resolveOptions({ ...base(), phone: { allowedCountries: [] } }), /phone\.allowedCountries: must list at least one country/);
    assert.throws(() => resolveOptions({ ...base(), phone: { allowedCountries: ['US'], defaultCountry: 'GB' } }), /phone\.defaultCountry: must be one of phone\.allowedCountries/);
  });

  it('refuses an sms option that is not a transport, and a store without the phone facets', () => {
    assert.throws(() => createMfa({ ...base(), sms: {} as never }), /sms: must be an SmsTransport/);
    const { core, rateLimits, phoneCodes, push } = new MemoryStore({ warn: () => {} });
    assert.throws(() => createMfa({ ...base(), store: { core, rateLimits, push }, sms: new OutboxTransport() }), (e: unknown) =>
      e instanceof ConfigurationError && /store: lacks the `phoneCodes` facet/.test(e.message));
    const noHit = { core, phoneCodes, push, rateLimits: { get: rateLimits.get.bind(rateLimits) } };
    assert.throws(() => createMfa({ ...base(), store: noHit as never, sms: new OutboxTransport() }), /`rateLimits` facet lacks hit, delete, which the backup phone \(`sms` is set\) needs/);
  });
});
