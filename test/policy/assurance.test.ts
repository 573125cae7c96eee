import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../src/errors.js';
import { checkAssurance, statusOf } from '../../src/policy/assurance.js';
import type { AmrValue } from '../../src/policy/assurance.js';

describe('assurance and status', () => {
  it('accepts RFC 8176 values and drops repeats', () => {
    assert.deepEqual(checkAssurance('totp', { amr: ['otp', 'otp'], phishingResistant: false }), { amr: ['otp'], phishingResistant: false });
  });

  it('refuses an empty or unregistered amr at startup', () => {
    assert.throws(() => checkAssurance('x', { amr: [], phishingResistant: false }), ConfigurationError);
    assert.throws(() => checkAssurance('x', { amr: ['push' as AmrValue], phishingResistant: false }), /method "x".*"push"/s);
  });

  it('adds mfa to the method’s values, once', () => {
    const completed = { userId: 'u1', method: 'phone', factorId: 'f1', at: 5, phishingResistant: false };
    assert.deepEqual(statusOf({ ...completed, amr: ['sms'] }).amr, ['sms', 'mfa']);
    assert.deepEqual(statusOf({ ...completed, amr: ['hwk', 'mfa'] }).amr, ['hwk', 'mfa']);
    assert.deepEqual(statusOf({ ...completed, amr: ['otp'] }), { ...completed, amr: ['otp', 'mfa'] });
  });
});
