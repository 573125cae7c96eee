import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMfa } from '../../src/mfa.js';
import type { MfaOptions } from '../../src/options.js';
import { ConfigurationError } from '../../src/errors.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';

const base = (): MfaOptions => ({ issuer: 'Contoso', store: new MemoryStore({ warn: () => {} }), secretKey: '0f'.repeat(32) });

describe('appPasswords options', () => {
  const bad: Array<[string, MfaOptions['appPasswords'], RegExp]> = [
    ['more than 40 per user', { maxPerUser: 41 }, /appPasswords\.maxPerUser: must be at most 40/],
    ['a maxAgeMs under a minute', { maxAgeMs: 1000 }, /appPasswords\.maxAgeMs/],
    ['a realm with a quote', { realm: 'a"b' }, /appPasswords\.realm/],
    ['a cacheMs over a second', { cacheMs: 1001 }, /appPasswords\.cacheMs: must be at most 1000: a revocation must reach every instance within a second/],
    ['a negative cacheMs', { cacheMs: -1 }, /appPasswords\.cacheMs/],
    ['an unknown option', { maxPerUsr: 3 } as never, /appPasswords/],
    ['verifyAccountPassword without dummyPasswordCheck', { verifyAccountPassword: () => false }, /appPasswords\.dummyPasswordCheck: is required with verifyAccountPassword/],
  ];
  for (const [label, appPasswords, message] of bad) {
    it(`refuses ${label} at startup`, () => {
      assert.throws(() => createMfa({ ...base(), appPasswords }), (e: unknown) => e instanceof ConfigurationError && message.test(e.message));
    });
  }

  it('makes the strategy error (not pass or succeed) when findUser is missing', async () => {
    const strategy = createMfa(base()).appPasswordStrategy;
    const error = await new Promise<unknown>((resolve) => {
      const actions = { success: () => resolve('success'), fail: () => resolve('fail'), error: resolve };
      strategy.authenticate.call(actions as never, { headers: { authorization: 'Basic YTpi' }, ip: '127.0.0.1' } as never);
    });
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /appPasswords\.findUser/);
  });
});
