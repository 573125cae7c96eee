import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rateLimitKeys } from '../../src/policy/rate-limit-keys.js';

describe('rateLimitKeys', () => {
  // Attack: spending or resetting one counter through another, e.g. a username or user id crafted
  // to equal the key of another feature's counter (phone sends vs failed Basic attempts), or a
  // correct PIN on one's own device deleting the fraud block or cooldown of a user.
  it('gives every counter a prefix that no other counter’s prefix starts with', () => {
    // Two-part keys (a host's named limit) are checked with a name: names are [a-z0-9-], never ':'.
    const prefixes = Object.entries(rateLimitKeys).map(([name, key]) => [name, key.length === 2 ? (key as (a: string, b: string) => string)('login', '') : (key as (a: string) => string)('')] as const);
    assert.ok(prefixes.length >= 13, 'phone, HTTP Basic, push and host attempt counters are all here');
    for (const [name, prefix] of prefixes) {
      for (const [other, otherPrefix] of prefixes) {
        if (name !== other) assert.ok(!prefix.startsWith(otherPrefix), `${name} (${prefix}) lies inside ${other} (${otherPrefix})`);
      }
    }
  });

  // Attack: dodging the per-username limit by varying the case or Unicode form of the name.
  it('folds case and compatibility variants of a username into one key', () => {
    assert.equal(rateLimitKeys.basicFailureByUsername('ＡＬＩＣＥ'), rateLimitKeys.basicFailureByUsername('alice'));
  });
});
