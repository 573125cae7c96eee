import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { AppPasswordRecord } from '../../src/stores/store.js';
import { itRejectsAfterClose, PARALLEL, storePerTest, T0 } from './store-per-test.js';
import type { StoreUnderTest } from './store-per-test.js';

export function makeAppPassword(overrides: Partial<AppPasswordRecord> = {}): AppPasswordRecord {
  return {
    id: randomBytes(16).toString('base64url'),
    userId: 'alice',
    name: 'Outlook on my laptop',
    hash: randomBytes(32).toString('base64url'),
    scope: null,
    createdAt: T0,
    expiresAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

const limit = (maxPerUser = 40, now = T0) => ({ maxPerUser, now });

/** The app-password part of the MfaStore contract, bound to one implementation. */
export function runAppPasswordStoreSuite(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`${name} conforms to MfaStore: app passwords`, () => {
    const store = storePerTest(makeStore);

    it('round-trips every field, finds by hash, and hands out copies', async () => {
      const full = makeAppPassword({ scope: ['mail', 'calendar'], expiresAt: T0 + 9, lastUsedAt: T0 + 1 });
      const bare = makeAppPassword();
      assert.equal(await store.createAppPassword(full, limit()), true);
      assert.equal(await store.createAppPassword(bare, limit()), true);
      const found = await store.findAppPasswordByHash(full.hash);
      assert.deepEqual(found, full);
      found!.scope!.push('everything');
      assert.deepEqual(await store.findAppPasswordByHash(full.hash), full);
      assert.deepEqual(await store.findAppPasswordByHash(bare.hash), bare);
      assert.equal(await store.findAppPasswordByHash('unknown'), null);
    });

    it('rejects a duplicate id or hash', async () => {
      const first = makeAppPassword();
      await store.createAppPassword(first, limit());
      await assert.rejects(store.createAppPassword({ ...makeAppPassword(), id: first.id }, limit()));
      await assert.rejects(store.createAppPassword({ ...makeAppPassword(), hash: first.hash }, limit()));
      assert.deepEqual(await store.listAppPasswords('alice'), [first]);
    });

    it('lists only the given user’s passwords, oldest first', async () => {
      const late = makeAppPassword({ createdAt: T0 + 2 });
      const early = makeAppPassword({ createdAt: T0 + 1 });
      const bobs = makeAppPassword({ userId: 'bob' });
      for (const p of [late, early, bobs]) await store.createAppPassword(p, limit());
      assert.deepEqual(await store.listAppPasswords('alice'), [early, late]);
      assert.deepEqual(await store.listAppPasswords('bob'), [bobs]);
      assert.deepEqual(await store.listAppPasswords('carol'), []);
    });

    it('refuses to create past maxPerUser, per user, after dropping the user’s expired ones', async () => {
      const expired = makeAppPassword({ expiresAt: T0 });
      await store.createAppPassword(expired, limit(3, T0 - 1));
      await store.createAppPassword(makeAppPassword(), limit(3));
      await store.createAppPassword(makeAppPassword(), limit(3, T0 - 1));
      assert.equal(await store.createAppPassword(makeAppPassword(), limit(3)), true, 'the expired one made room');
      assert.equal((await store.listAppPasswords('alice')).some((p) => p.id === expired.id), false);
      assert.equal(await store.createAppPassword(makeAppPassword(), limit(3)), false);
      assert.equal((await store.listAppPasswords('alice')).length, 3);
      assert.equal(await store.createAppPassword(makeAppPassword({ userId: 'bob' }), limit(3)), true);
    });

    it('touch records a use; delete revokes one of the owner’s; deleteAppPasswords revokes all of a user’s', async () => {
      const a = makeAppPassword();
      const b = makeAppPassword();
      const bobs = makeAppPassword({ userId: 'bob' });
      for (const p of [a, b, bobs]) await store.createAppPassword(p, limit());
      await store.touchAppPassword(a.id, T0 + 5);
      await store.touchAppPassword('unknown', T0 + 5);
      assert.equal((await store.findAppPasswordByHash(a.hash))?.lastUsedAt, T0 + 5);

      assert.equal(await store.deleteAppPassword('mallory', a.id), false);
      assert.equal(await store.deleteAppPassword('alice', a.id), true);
      assert.equal(await store.deleteAppPassword('alice', a.id), false);
      assert.equal(await store.findAppPasswordByHash(a.hash), null);

      assert.equal(await store.deleteAppPasswords('alice'), 1);
      assert.deepEqual(await store.listAppPasswords('alice'), []);
      assert.deepEqual(await store.listAppPasswords('bob'), [bobs]);
    });

    describe(`atomicity under ${PARALLEL} parallel callers`, () => {
      it('createAppPassword: with room for 15, exactly 15 of 30 succeed', async () => {
        for (let i = 0; i < 25; i++) await store.createAppPassword(makeAppPassword(), limit());
        const results = await Promise.all(
          Array.from({ length: PARALLEL }, () => store.createAppPassword(makeAppPassword(), limit())),
        );
        assert.equal(results.filter(Boolean).length, 15);
        assert.equal((await store.listAppPasswords('alice')).length, 40);
      });
    });

    itRejectsAfterClose(store, 'rejects every app-password call after close()', () => ({
      createAppPassword: () => store.createAppPassword(makeAppPassword(), limit()),
      findAppPasswordByHash: () => store.findAppPasswordByHash('x'),
      listAppPasswords: () => store.listAppPasswords('alice'),
      touchAppPassword: () => store.touchAppPassword('x', T0),
      deleteAppPassword: () => store.deleteAppPassword('alice', 'x'),
      deleteAppPasswords: () => store.deleteAppPasswords('alice'),
    }));
  });
}
