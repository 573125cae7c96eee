import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BASIC_CHECK_TOPIC, BasicCheckCache } from '../../src/policy/basic-check-cache.js';
import { BasicRateLimit } from '../../src/policy/basic-rate-limit.js';
import { rateLimitKeys } from '../../src/policy/rate-limit-keys.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { InProcessWakeup } from '../../src/transports/wakeup.js';
import { FakeClock } from '../support/fake-clock.js';
import { SwitchableWakeup } from '../support/switchable-wakeup.js';

const SETTINGS = { windowMs: 60_000, perUsername: 3, perIp: 5 };

describe('BasicCheckCache', () => {
  it('trusts an entry for ttlMs from when its read began, then no more', () => {
    const clock = new FakeClock();
    const cache = new BasicCheckCache({ wakeup: new InProcessWakeup(), clock: clock.now, ttlMs: 1000 });
    cache.put('k', 'v', clock.now(), cache.generation);
    clock.advance(999);
    assert.equal(cache.get('k'), 'v');
    clock.advance(1);
    assert.equal(cache.get('k'), undefined);
  });

  it('does not keep a read that began before a clear (a revocation raced it)', () => {
    const clock = new FakeClock();
    const cache = new BasicCheckCache({ wakeup: new InProcessWakeup(), clock: clock.now, ttlMs: 1000 });
    const generation = cache.generation;
    cache.clear();
    cache.put('k', 'stale', clock.now(), generation);
    assert.equal(cache.get('k'), undefined);
  });

  it('empties on a wake-up from another instance, and clearEverywhere() sends one', async () => {
    const clock = new FakeClock();
    const shared = new InProcessWakeup();
    const here = new BasicCheckCache({ wakeup: shared, clock: clock.now, ttlMs: 1000 });
    const there = new BasicCheckCache({ wakeup: shared, clock: clock.now, ttlMs: 1000 });
    there.put('k', 'v', clock.now(), there.generation);
    await here.clearEverywhere();
    assert.equal(there.get('k'), undefined);
    there.put('k', 'v', clock.now(), there.generation);
    shared.publish(BASIC_CHECK_TOPIC);
    assert.equal(there.get('k'), undefined);
  });

  // Attack: a revocation published while the channel was down never arrives; what was held must not outlive it.
  it('trusts nothing while the wake-up channel is down, and forgets what it held when it changes', () => {
    const clock = new FakeClock();
    const wakeup = new SwitchableWakeup();
    const cache = new BasicCheckCache({ wakeup, clock: clock.now, ttlMs: 1000 });
    cache.put('k', 'v', clock.now(), cache.generation);
    wakeup.connected = false;
    assert.equal(cache.get('k'), undefined, 'not while down');
    wakeup.connected = true;
    assert.equal(cache.get('k'), 'v');
    wakeup.set({ connected: false });
    wakeup.set({ connected: true });
    assert.equal(cache.get('k'), undefined, 'not after a loss');
  });

  it('keeps nothing with ttlMs 0, and at most maxEntries (the oldest goes first)', () => {
    const clock = new FakeClock();
    const off = new BasicCheckCache({ wakeup: new InProcessWakeup(), clock: clock.now, ttlMs: 0 });
    off.put('k', 'v', clock.now(), off.generation);
    assert.equal(off.size, 0);
    const small = new BasicCheckCache({ wakeup: new InProcessWakeup(), clock: clock.now, ttlMs: 1000, maxEntries: 2 });
    for (const key of ['a', 'b', 'c']) small.put(key, key, clock.now(), small.generation);
    assert.deepEqual([small.get('a'), small.get('b'), small.get('c')], [undefined, 'b', 'c']);
  });
});

describe('BasicRateLimit with a cache', () => {
  function setup() {
    const clock = new FakeClock();
    const store = new MemoryStore({ warn: () => {} });
    const cache = new BasicCheckCache({ wakeup: new InProcessWakeup(), clock: clock.now, ttlMs: 1000 });
    return { clock, store, cache, limit: new BasicRateLimit(store, SETTINGS, clock.now, cache) };
  }

  it('tells nothing before check() has read both counters', async () => {
    const { limit } = setup();
    assert.equal(limit.clearInCache('192.0.2.1', 'alice'), false);
    assert.equal(await limit.check('192.0.2.1', 'alice'), null);
    assert.equal(limit.clearInCache('192.0.2.1', 'alice'), true);
    assert.equal(limit.clearInCache('192.0.2.1', 'bob'), false, 'bob’s counter was not read');
  });

  // Attack: another instance's failures reached the IP limit (its wake-up lost); what this
  // instance then reads for one username must not let another username's held password through.
  it('is not clear while a counter it read has reached its limit', async () => {
    const { clock, store, limit } = setup();
    await limit.check('192.0.2.1', 'alice');
    for (let i = 0; i < SETTINGS.perIp; i++) await store.rateLimits.hit(rateLimitKeys.basicFailureByIp('192.0.2.1'), SETTINGS.windowMs, clock.now());
    assert.ok(await limit.check('192.0.2.1', 'bob'), 'the store tells');
    assert.equal(limit.clearInCache('192.0.2.1', 'alice'), false);
  });

  it('empties the cache with the failure that reaches a limit, not before', async () => {
    const { cache, limit } = setup();
    await limit.check('192.0.2.1', 'alice');
    for (let i = 1; i < SETTINGS.perUsername; i++) await limit.fail('192.0.2.1', 'alice');
    assert.equal(limit.clearInCache('192.0.2.1', 'alice'), true);
    await limit.fail('192.0.2.1', 'alice');
    assert.equal(cache.size, 0);
    assert.equal(limit.clearInCache('192.0.2.1', 'alice'), false);
  });
});
