import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError, RateLimitedError } from '../../src/errors.js';
import { createMfa } from '../../src/mfa.js';
import { AttemptLimit } from '../../src/policy/attempt-limit.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import type { MfaStore } from '../../src/stores/mfa-store.js';
import { FakeClock } from '../support/fake-clock.js';
import { SECRET_KEY } from '../support/harness.js';

const STORES: Record<string, () => MfaStore> = {
  MemoryStore: () => new MemoryStore({ warn: () => {} }),
  SqliteStore: () => new SqliteStore({ filename: ':memory:' }),
};

const outcome = (p: Promise<void>) => p.then(() => 'ok', (e: unknown) => (e instanceof RateLimitedError ? `429 ${e.retryAfterSeconds}` : String(e)));

for (const [name, makeStore] of Object.entries(STORES)) {
  describe(`mfa.attemptLimit on ${name}`, () => {
    // Attack: a burst of parallel password guesses, all in flight before any failure is counted.
    it('of 30 parallel reservations for one username, exactly perUsername go through', async () => {
      const clock = new FakeClock();
      const limit = new AttemptLimit(makeStore(), { name: 'login', perUsername: 7, perIp: 1000 }, clock.now);
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => outcome(limit.reserve(`198.51.100.${i}`, 'Alice'))));
      assert.equal(results.filter((r) => r === 'ok').length, 7);
      assert.ok(results.filter((r) => r !== 'ok').every((r) => r === '429 900'), results.join(' '));
      clock.advance(15 * 60_000);
      assert.equal(await outcome(limit.reserve('198.51.100.1', 'alice')), 'ok', 'a new window');
    });

    it('counts the username case- and width-insensitively, keeps limits of different names apart, and forgets a username after a success', async () => {
      const clock = new FakeClock();
      const store = makeStore();
      const login = new AttemptLimit(store, { name: 'login', perUsername: 2, perIp: 1000 }, clock.now);
      const api = new AttemptLimit(store, { name: 'login-api', perUsername: 2, perIp: 1000 }, clock.now);
      await login.reserve('192.0.2.1', 'alice');
      await login.reserve('192.0.2.1', 'ＡＬＩＣＥ');
      assert.equal(await outcome(login.reserve('192.0.2.1', 'Alice')), '429 900');
      assert.equal(await outcome(api.reserve('192.0.2.1', 'alice')), 'ok', 'another limit, other counters');
      await login.succeeded('alice');
      assert.equal(await outcome(login.reserve('192.0.2.1', 'alice')), 'ok');
    });

    it('counts per IP, an IPv6 /64 as one client', async () => {
      const limit = new AttemptLimit(makeStore(), { name: 'login', perUsername: 1000, perIp: 2 }, new FakeClock().now);
      await limit.reserve('2001:db8:1:1::1', 'a');
      await limit.reserve('2001:db8:1:1::2', 'b');
      assert.equal(await outcome(limit.reserve('2001:db8:1:1:ffff::3', 'c')), '429 900');
      assert.equal(await outcome(limit.reserve('2001:db8:1:2::1', 'c')), 'ok');
    });
  });
}

describe('mfa.attemptLimit options', () => {
  const mfa = () => createMfa({ issuer: 'Contoso', store: new MemoryStore({ warn: () => {} }), secretKey: SECRET_KEY });

  it('uses the store and clock of createMfa() and defaults to 10 per username, 50 per IP, 15 minutes', async () => {
    const limit = mfa().attemptLimit({ name: 'login' });
    for (let i = 0; i < 10; i++) await limit.reserve(`192.0.2.${i}`, 'alice');
    assert.equal(await outcome(limit.reserve('192.0.2.99', 'alice')), '429 900');
  });

  it('refuses bad options and a store without rate limits with a ConfigurationError saying what to fix', () => {
    assert.throws(() => mfa().attemptLimit({ name: 'Log In' }), /name: must be 1 to 32 lowercase letters, digits and dashes/);
    assert.throws(() => mfa().attemptLimit({ name: 'login', perIp: 0 }), /perIp/);
    assert.throws(() => mfa().attemptLimit({ name: 'login', extra: 1 } as never), ConfigurationError);
    const { core } = new MemoryStore({ warn: () => {} });
    assert.throws(() => new AttemptLimit({ core }, { name: 'login' }, Date.now), /store: lacks the `rateLimits` facet/);
  });
});
