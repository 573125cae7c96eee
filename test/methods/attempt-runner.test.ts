import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { LockedOutError, PendingExpiredError, VerificationFailedError } from '../../src/errors.js';
import type { MfaEvent } from '../../src/events.js';
import { AttemptRunner } from '../../src/methods/attempt.js';
import type { CheckResult } from '../../src/methods/method.js';
import { LockoutPolicy } from '../../src/policy/lockout.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { FakeClock } from '../support/fake-clock.js';

describe('AttemptRunner: the one path of every proof', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let events: Omit<MfaEvent, 'at'>[];
  let runner: AttemptRunner;
  let checks: number;

  beforeEach(() => {
    clock = new FakeClock();
    store = new MemoryStore({ warn: () => {} });
    events = [];
    checks = 0;
    runner = new AttemptRunner({ lockout: new LockoutPolicy(store, { threshold: 3, durationMs: 60_000, hardLimit: 100 }, clock.now), emit: (e) => events.push(e) });
  });

  const check = (result: CheckResult) => async () => {
    checks++;
    return result;
  };
  const wrong: CheckResult = { ok: false, counts: true, reason: 'invalid_code', error: new VerificationFailedError() };
  const attempt = (result: CheckResult, confirm?: (id: string) => Promise<string | null>) =>
    runner.run({ userId: 'alice', ip: '192.0.2.1', method: 'totp', check: check(result), ...(confirm ? { confirm } : {}) });

  it('a success resets the failure count and reports second_factor.succeeded with the method', async () => {
    await attempt(wrong);
    const ok = await attempt({ ok: true, factorId: 'f1' });
    assert.deepEqual(ok, { ok: true, factorId: 'f1', method: 'totp', enrolled: false });
    assert.equal((await store.core.getLockout('alice')).failures, 0);
    assert.deepEqual(events.at(-1), { type: 'second_factor.succeeded', userId: 'alice', ip: '192.0.2.1', factorId: 'f1', method: 'totp' });
  });

  it('a failure that counts is counted and reported; the lock it triggers is what the caller shows', async () => {
    assert.equal(((await attempt(wrong)) as { error: Error }).error, wrong.error);
    await attempt(wrong);
    const third = await attempt(wrong);
    assert.ok(!third.ok && third.error instanceof LockedOutError);
    assert.equal((await store.core.getLockout('alice')).failures, 3);
    assert.deepEqual(events.filter((e) => e.type === 'second_factor.failed').map((e) => e.reason), ['invalid_code', 'invalid_code', 'invalid_code']);
    assert.ok(events.some((e) => e.type === 'second_factor.locked_out'));
  });

  it('a failure that does not count (nothing was guessed) is reported but not counted', async () => {
    const pending: CheckResult = { ok: false, counts: false, reason: 'push_pending', error: new VerificationFailedError('not yet') };
    assert.equal((await attempt(pending)).ok, false);
    assert.equal((await store.core.getLockout('alice')).failures, 0);
    assert.equal(events.at(-1)?.reason, 'push_pending');
  });

  // Attack: guessing on while locked out; a correct proof must not get through either.
  it('a locked user is refused before the method\'s check runs, even with a correct proof', async () => {
    for (let i = 0; i < 3; i++) await attempt(wrong);
    checks = 0;
    const refused = await attempt({ ok: true, factorId: 'f1' });
    assert.ok(!refused.ok && refused.error instanceof LockedOutError);
    assert.equal(checks, 0, 'the check did not run');
    assert.equal(events.at(-1)?.reason, 'locked_out');
  });

  it('confirms an enrollment after the check, reports factor.enrolled, and refuses one that was finished meanwhile', async () => {
    const enrolled = await attempt({ ok: true, factorId: 'f1' }, async (id) => id);
    assert.deepEqual(enrolled, { ok: true, factorId: 'f1', method: 'totp', enrolled: true });
    assert.ok(events.some((e) => e.type === 'factor.enrolled' && e.factorId === 'f1'));
    const gone = await attempt({ ok: true, factorId: 'f1' }, async () => null);
    assert.ok(!gone.ok && gone.error instanceof PendingExpiredError);
    assert.equal(events.at(-1)?.reason, 'pending_expired');
  });

  it('fail() counts a guess made outside run() (a wrong number typed on the device)', async () => {
    await runner.fail({ userId: 'alice', ip: undefined, method: 'push', reason: 'number_mismatch', challengeId: 'c1' }, new VerificationFailedError());
    assert.equal((await store.core.getLockout('alice')).failures, 1);
    assert.deepEqual(events.at(-1), { type: 'second_factor.failed', userId: 'alice', ip: undefined, method: 'push', reason: 'number_mismatch', challengeId: 'c1' });
  });
});
