import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionGenerations, sessionsTopic } from '../../src/policy/session-generation.js';
import type { SessionStamp } from '../../src/policy/session-generation.js';
import type { SessionGenerationStore } from '../../src/stores/facets/session-generations.js';
import { InProcessWakeup } from '../../src/transports/wakeup.js';
import type { Wakeup } from '../../src/transports/wakeup.js';
import type { FactorRecord } from '../../src/stores/facets/core.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { FakeClock } from '../support/fake-clock.js';
import { lostWakeups } from '../support/lost-wakeups.js';

/** One shared "database": generations and factors, counting reads; `hold` parks reads until released. */
class SharedState implements SessionGenerationStore {
  generations = new Map<string, number>();
  factors: FactorRecord[] = [];
  reads = 0;
  failing = false;
  #held: (() => void)[] | null = null;

  async get(userId: string): Promise<number> {
    this.reads++;
    if (this.failing) throw new Error('database down');
    const value = this.generations.get(userId) ?? 0;
    if (this.#held) await new Promise<void>((resolve) => this.#held!.push(resolve));
    return value;
  }

  async bump(userId: string): Promise<number> {
    const next = (this.generations.get(userId) ?? 0) + 1;
    this.generations.set(userId, next);
    return next;
  }

  factorReads = 0;

  async listFactors(userId: string): Promise<FactorRecord[]> {
    this.factorReads++;
    return this.factors.filter((f) => f.userId === userId);
  }

  addFactor(id: string, userId = 'u1', confirmed = true): void {
    this.factors.push({ id, userId, type: 'totp', label: id, sealedSecret: null, data: {}, createdAt: 0, confirmedAt: confirmed ? 1 : null, lastUsedAt: null, lastStep: null });
  }

  removeFactor(id: string): void {
    this.factors = this.factors.filter((f) => f.id !== id);
  }

  hold(): void {
    this.#held = [];
  }

  release(): void {
    const held = this.#held ?? [];
    this.#held = null;
    for (const resolve of held) resolve();
  }
}

function instance(state: SharedState, clock: FakeClock, wakeup: Wakeup = new InProcessWakeup(), cacheMs = 1000, maxUsers?: number) {
  return new SessionGenerations({ generations: state, factors: state, wakeup, clock: clock.now, cacheMs, ...(maxUsers ? { maxUsers } : {}) });
}

describe('SessionGenerations', () => {
  it('accepts a session stamped with the current generation and its live factor', async () => {
    const state = new SharedState();
    state.addFactor('f1');
    const sessions = instance(state, new FakeClock());
    const stamp = await sessions.stamp('u1', 'f1');
    assert.deepEqual(stamp, { generation: 0, factorId: 'f1' });
    assert.equal(await sessions.isCurrent('u1', stamp), true);
  });

  it('watches no factor for a step completed by something that is not a confirmed factor (a recovery code)', async () => {
    const state = new SharedState();
    state.addFactor('f1');
    const sessions = instance(state, new FakeClock());
    const stamp = await sessions.stamp('u1', 'recovery_code');
    assert.deepEqual(stamp, { generation: 0, factorId: null });
    assert.equal(await sessions.isCurrent('u1', stamp), true);
  });

  // Attack: a session signed in before "Sign out everywhere" (or "This wasn't me") keeps working.
  it('refuses a revoked session on the very next check of the same instance', async () => {
    const state = new SharedState();
    state.addFactor('f1');
    const sessions = instance(state, new FakeClock());
    const stamp = await sessions.stamp('u1', 'f1');
    assert.equal(await sessions.isCurrent('u1', stamp), true);
    assert.equal(await sessions.revoke('u1'), 1);
    assert.equal(await sessions.isCurrent('u1', stamp), false);
    assert.equal(await sessions.isCurrent('u1', await sessions.stamp('u1', 'f1')), true, 'a session stamped after the revocation is fine');
  });

  // Attack: the revoked session's next request lands on another app instance.
  it('refuses a session revoked on another instance as soon as the wake-up arrives', async () => {
    const state = new SharedState();
    state.addFactor('f1');
    const clock = new FakeClock();
    const wakeup = new InProcessWakeup();
    const a = instance(state, clock, wakeup);
    const b = instance(state, clock, wakeup);
    const stamp = await a.stamp('u1', 'f1');
    assert.equal(await b.isCurrent('u1', stamp), true);
    await a.revoke('u1');
    assert.equal(await b.isCurrent('u1', stamp), false, 'no clock advance needed: the wake-up dropped the cache');
  });

  // Attack: the wake-up is lost (network blip); the revoked session must still end within cacheMs.
  it('refuses a revoked session within cacheMs on an instance that missed the wake-up', async () => {
    const state = new SharedState();
    state.addFactor('f1');
    const clock = new FakeClock();
    const a = instance(state, clock);
    const b = instance(state, clock, lostWakeups);
    const stamp = await a.stamp('u1', 'f1');
    assert.equal(await b.isCurrent('u1', stamp), true);
    await a.revoke('u1');
    clock.advance(999);
    assert.equal(await b.isCurrent('u1', stamp), true, 'the cache is trusted for up to cacheMs');
    clock.advance(1);
    assert.equal(await b.isCurrent('u1', stamp), false);
  });

  it('checks the store before refusing a stamp newer than what this instance holds', async () => {
    const state = new SharedState();
    state.addFactor('f1');
    const clock = new FakeClock();
    const a = instance(state, clock);
    const b = instance(state, clock, lostWakeups);
    assert.equal(await b.isCurrent('u1', await a.stamp('u1', 'f1')), true);
    await a.revoke('u1');
    // The user signs in again on instance A; B still holds generation 0 but must not end this session.
    const fresh = await a.stamp('u1', 'f1');
    assert.equal(fresh.generation, 1);
    assert.equal(await b.isCurrent('u1', fresh), true);
  });

  // Attack: a session signed in with the backup phone stays signed in after the phone was deleted.
  it('stamps with the factors the second step read after watch(): one store read, kept for the guard', async () => {
    const state = new SharedState();
    state.addFactor('f1');
    const sessions = instance(state, new FakeClock());
    const since = sessions.watch('u1');
    const factors = await state.listFactors('u1');
    const stamp = await sessions.stamp('u1', 'f1', { factors, since });
    assert.deepEqual(stamp, { generation: 0, factorId: 'f1' });
    assert.deepEqual([state.reads, state.factorReads], [1, 1], 'the generation only: the factors were read already');
    assert.equal(sessions.held('u1', stamp), true);
  });

  // Attack: deleting a method (another session, a stolen phone reported) while a sign-in with it
  // is completing, so that the new session is not tied to it and survives the deletion.
  it('keeps watching a factor deleted between the second step\'s read and the stamp, and ends the session', async () => {
    const state = new SharedState();
    state.addFactor('f1');
    state.addFactor('f2');
    const sessions = instance(state, new FakeClock());
    const since = sessions.watch('u1');
    const factors = await state.listFactors('u1');
    state.removeFactor('f1');
    await sessions.factorRemoved('u1');
    const stamp = await sessions.stamp('u1', 'f1', { factors, since });
    assert.equal(stamp.factorId, 'f1');
    assert.equal(sessions.held('u1', stamp), undefined, 'what was read before the deletion is not kept');
    assert.equal(await sessions.isCurrent('u1', stamp), false);
  });

  it('refuses a session whose factor was deleted, and only that one', async () => {
    const state = new SharedState();
    state.addFactor('phone');
    state.addFactor('app');
    const sessions = instance(state, new FakeClock());
    const byPhone = await sessions.stamp('u1', 'phone');
    const byApp = await sessions.stamp('u1', 'app');
    assert.equal(await sessions.isCurrent('u1', byPhone), true);
    state.removeFactor('phone');
    await sessions.factorRemoved('u1');
    assert.equal(await sessions.isCurrent('u1', byPhone), false);
    assert.equal(await sessions.isCurrent('u1', byApp), true);
    assert.equal(await sessions.isCurrent('u1', { generation: 0, factorId: null }), true, 'a stamp without a factor watches only the generation');
  });

  it('accepts a session completed with a factor added after this instance cached the user', async () => {
    const state = new SharedState();
    state.addFactor('old');
    const clock = new FakeClock();
    const sessions = instance(state, clock, lostWakeups);
    assert.equal(await sessions.isCurrent('u1', await sessions.stamp('u1', 'old')), true);
    state.addFactor('new');
    state.addFactor('unconfirmed', 'u1', false);
    assert.equal(await sessions.isCurrent('u1', { generation: 0, factorId: 'new' }), true);
    assert.equal(await sessions.isCurrent('u1', { generation: 0, factorId: 'never-existed' }), false);
    assert.equal(await sessions.isCurrent('u1', { generation: 0, factorId: 'unconfirmed' }), false);
  });

  it('reads the store once per cacheMs, and once for concurrent checks', async () => {
    const state = new SharedState();
    state.addFactor('f1');
    const clock = new FakeClock();
    const sessions = instance(state, clock);
    const stamp = { generation: 0, factorId: 'f1' };
    const results = await Promise.all(Array.from({ length: 30 }, () => sessions.isCurrent('u1', stamp)));
    assert.ok(results.every(Boolean));
    assert.equal(state.reads, 1);
    for (let i = 0; i < 100; i++) await sessions.isCurrent('u1', stamp);
    assert.equal(state.reads, 1);
    clock.advance(1000);
    await sessions.isCurrent('u1', stamp);
    assert.equal(state.reads, 2);
  });

  it('held() answers from what this instance holds, and leaves the rest to isCurrent()', async () => {
    const state = new SharedState();
    state.addFactor('f1');
    const clock = new FakeClock();
    const sessions = instance(state, clock);
    const stamp = { generation: 0, factorId: 'f1' };
    assert.equal(sessions.held('u1', stamp), undefined, 'nothing held yet');
    assert.equal(await sessions.isCurrent('u1', stamp), true);
    assert.equal(sessions.held('u1', stamp), true);
    assert.equal(sessions.held('u1', { generation: 1, factorId: 'f1' }), undefined, 'a newer stamp is for the store to judge');
    assert.equal(sessions.held('u1', { generation: 0, factorId: 'new' }), undefined, 'so is a factor not seen yet');
    await sessions.revoke('u1');
    assert.equal(sessions.held('u1', stamp), undefined, 'the revocation dropped what was held');
    assert.equal(await sessions.isCurrent('u1', stamp), false);
    assert.equal(sessions.held('u1', stamp), false);
    clock.advance(1000);
    assert.equal(sessions.held('u1', stamp), undefined, 'past cacheMs');
    assert.equal(state.reads, 2, 'held() never reads the store');
  });

  it('reads the store on every check with cacheMs 0', async () => {
    const state = new SharedState();
    state.addFactor('f1');
    const sessions = instance(state, new FakeClock(), new InProcessWakeup(), 0);
    for (let i = 0; i < 3; i++) await sessions.isCurrent('u1', { generation: 0, factorId: 'f1' });
    assert.equal(state.reads, 3);
  });

  // Attack: a read that began before the revocation finishes after it and is cached as current.
  it('does not cache a read that was in flight when the sessions were revoked', async () => {
    const state = new SharedState();
    state.addFactor('f1');
    const sessions = instance(state, new FakeClock());
    const old = { generation: 0, factorId: 'f1' };
    state.hold();
    const inFlight = sessions.isCurrent('u1', old);
    await sessions.revoke('u1');
    state.release();
    assert.equal(await inFlight, true, 'the check that started before the revocation may pass');
    assert.equal(await sessions.isCurrent('u1', old), false, 'the next one may not');
  });

  // Attack: a session record without a generation (older than this check, or edited) passes as current.
  it('refuses a stamp whose generation is missing or not a whole number', async () => {
    const state = new SharedState();
    const sessions = instance(state, new FakeClock());
    for (const generation of [undefined, null, -1, 0.5, '0', Number.NaN]) {
      assert.equal(await sessions.isCurrent('u1', { generation, factorId: null } as unknown as SessionStamp), false, String(generation));
    }
    assert.equal(state.reads, 0);
  });

  // Attack: an unreachable store turns the check into a pass.
  it('fails closed when the store cannot be read', async () => {
    const state = new SharedState();
    state.addFactor('f1');
    const clock = new FakeClock();
    const sessions = instance(state, clock);
    const stamp = await sessions.stamp('u1', 'f1');
    state.failing = true;
    clock.advance(1000);
    await assert.rejects(sessions.isCurrent('u1', stamp), /database down/);
    await assert.rejects(sessions.stamp('u1', 'f1'), /database down/);
  });

  // Attack: a method removed by a path other than Security info (a replaced phone number) leaves
  // the sessions that signed in with it running on other instances.
  it('watchRemovals(): any deletion through the watched core ends the sessions of that factor on every instance', async () => {
    const memory = new MemoryStore({ warn: () => {} });
    const clock = new FakeClock();
    const wakeup = new InProcessWakeup();
    const make = () => new SessionGenerations({ generations: memory.sessionGenerations, factors: memory.core, wakeup, clock: clock.now, cacheMs: 1000 });
    const [a, b] = [make(), make()];
    const core = a.watchRemovals(memory.core);
    for (const id of ['phone', 'app', 'spare']) {
      await core.createFactor({ id, userId: 'u1', type: 'totp', label: id, sealedSecret: null, data: {}, createdAt: 0, confirmedAt: 1, lastUsedAt: null, lastStep: null });
    }
    const byPhone = await b.stamp('u1', 'phone');
    const byApp = await b.stamp('u1', 'app');
    assert.equal(await b.isCurrent('u1', byPhone), true);
    assert.equal(await core.deleteFactor('u1', 'phone'), true);
    assert.equal(b.held('u1', byPhone), undefined, 'the other instance dropped what it held');
    assert.equal(await b.isCurrent('u1', byPhone), false);
    assert.equal(await b.isCurrent('u1', byApp), true);
    assert.equal(await core.deleteFactorUnlessLast('u1', 'app'), 'deleted');
    assert.equal(await b.isCurrent('u1', byApp), false);
    assert.equal(await core.deleteFactorUnlessLast('u1', 'spare'), 'last');
    assert.equal((await core.listFactors('u1')).length, 1, 'the other methods pass through to the store');
  });

  it('keeps at most maxUsers users and stops listening for the ones it drops', async () => {
    const state = new SharedState();
    const wakeup = new InProcessWakeup();
    const sessions = instance(state, new FakeClock(), wakeup, 1000, 2);
    for (const user of ['u1', 'u2', 'u3']) await sessions.isCurrent(user, { generation: 0, factorId: null });
    assert.equal(sessions.size, 2);
    assert.equal(wakeup.listenerCount(sessionsTopic('u1')), 0);
    assert.equal(wakeup.listenerCount(sessionsTopic('u3')), 1);
    sessions.close();
    assert.equal(wakeup.listenerCount(sessionsTopic('u3')), 0);
    assert.equal(sessions.size, 0);
  });
});
