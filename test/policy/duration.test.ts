import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../src/errors.js';
import { parseDuration } from '../../src/policy/duration.js';

describe('parseDuration', () => {
  it('reads a whole number and a unit into milliseconds', () => {
    assert.equal(parseDuration('500ms', 'x'), 500);
    assert.equal(parseDuration('90s', 'x'), 90_000);
    assert.equal(parseDuration('5m', 'x'), 300_000);
    assert.equal(parseDuration('1h', 'x'), 3_600_000);
    assert.equal(parseDuration('2d', 'x'), 172_800_000);
    assert.equal(parseDuration(' 5m ', 'x'), 300_000);
  });

  it('refuses anything else with a ConfigurationError naming the option and the fix', () => {
    for (const bad of [300, '300', '5 m', '5min', '-5m', '0s', '1.5h', '5M', '', '５m', '1h30m', '9999999999s', null, undefined, {}]) {
      assert.throws(() => parseDuration(bad, 'requireSecondFactor(): maxAge'), (error: unknown) =>
        error instanceof ConfigurationError && /requireSecondFactor\(\): maxAge/.test(error.message) && /'5m'/.test(error.message), String(bad));
    }
  });
});
