import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../src/errors.js';
import { isPlain, resolveStepUp, unmetRequirement } from '../../src/policy/step-up.js';
import type { StepUpOptions } from '../../src/policy/step-up.js';

describe('step-up requirements', () => {
  it('resolves maxAge and phishingResistant, with no requirement by default', () => {
    assert.deepEqual(resolveStepUp(), { maxAgeMs: null, phishingResistant: false });
    assert.equal(isPlain(resolveStepUp({})), true);
    assert.deepEqual(resolveStepUp({ maxAge: '5m', phishingResistant: true }), { maxAgeMs: 300_000, phishingResistant: true });
    assert.equal(isPlain(resolveStepUp({ maxAge: '5m' })), false);
  });

  it('refuses unknown options and wrong types at startup', () => {
    const bad = [{ maxAge: 300 }, { maxage: '5m' }, { phishingResistant: 'yes' }, { maxAge: '5m', extra: 1 }] as unknown as StepUpOptions[];
    for (const options of bad) {
      assert.throws(() => resolveStepUp(options), ConfigurationError, JSON.stringify(options));
    }
  });

  it('says what a completed step lacks', () => {
    const now = 1_000_000;
    const fiveMinutes = resolveStepUp({ maxAge: '5m' });
    assert.equal(unmetRequirement(fiveMinutes, { at: now - 300_000, phishingResistant: false }, now), null);
    assert.equal(unmetRequirement(fiveMinutes, { at: now - 300_001, phishingResistant: false }, now), 'max_age');
    assert.equal(unmetRequirement(fiveMinutes, { at: now + 60_000, phishingResistant: false }, now), null, 'a step dated ahead (clock skew) is recent');
    const key = resolveStepUp({ phishingResistant: true });
    assert.equal(unmetRequirement(key, { at: now, phishingResistant: false }, now), 'phishing_resistant');
    assert.equal(unmetRequirement(key, { at: 0, phishingResistant: true }, now), null);
    const both = resolveStepUp({ maxAge: '1m', phishingResistant: true });
    assert.equal(unmetRequirement(both, { at: 0, phishingResistant: false }, now), 'phishing_resistant', 'a security key also makes it recent');
  });
});
