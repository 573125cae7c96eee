import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeAppPassword } from './records.js';
import { itRejectsAfterClose, PARALLEL, T0 } from './store-per-test.js';
import type { SuiteStore } from './store-per-test.js';

const limit = (maxPerUser = 40, now = T0) => ({ maxPerUser, now });

/** The app-passwords facet's contract (../stores/facets/app-passwords.ts). */
export function appPasswordsSuite(store: SuiteStore, closes: boolean): void {
  it('round-trips every field, finds by hash, and hands out copies', async () => {
    const full = makeAppPassword({ scope: ['mail', 'calendar'], expiresAt: T0 + 9, lastUsedAt: T0 + 1 });
    const bare = makeAppPassword();
    assert.equal(await store.appPasswords.create(full, limit()), true);
    assert.equal(await store.appPasswords.create(bare, limit()), true);
    const found = await store.appPasswords.findByHash(full.hash);
    assert.deepEqual(found, full);
    found!.scope!.push('everything');
    assert.deepEqual(await store.appPasswords.findByHash(full.hash), full);
    assert.deepEqual(await store.appPasswords.findByHash(bare.hash), bare);
    assert.equal(await store.appPasswords.findByHash('unknown'), null);
  });

  it('rejects a duplicate id or hash', async () => {
    const first = makeAppPassword();
    await store.appPasswords.create(first, limit());
    await assert.rejects(store.appPasswords.create({ ...makeAppPassword(), id: first.id }, limit()));
    await assert.rejects(store.appPasswords.create({ ...makeAppPassword(), hash: first.hash }, limit()));
    assert.deepEqual(await store.appPasswords.list('alice'), [first]);
  });

  it('lists only the given user’s passwords, oldest first', async () => {
    const late = makeAppPassword({ createdAt: T0 + 2 });
    const early = makeAppPassword({ createdAt: T0 + 1 });
    const bobs = makeAppPassword({ userId: 'bob' });
    for (const p of [late, early, bobs]) await store.appPasswords.create(p, limit());
    assert.deepEqual(await store.appPasswords.list('alice'), [early, late]);
    assert.deepEqual(await store.appPasswords.list('bob'), [bobs]);
    assert.deepEqual(await store.appPasswords.list('carol'), []);
  });

  it('refuses to create past maxPerUser, per user, after dropping the user’s expired ones', async () => {
    const expired = makeAppPassword({ expiresAt: T0 });
    await store.appPasswords.create(expired, limit(3, T0 - 1));
    await store.appPasswords.create(makeAppPassword(), limit(3));
    await store.appPasswords.create(makeAppPassword(), limit(3, T0 - 1));
    assert.equal(await store.appPasswords.create(makeAppPassword(), limit(3)), true, 'the expired one made room');
    assert.equal((await store.appPasswords.list('alice')).some((p) => p.id === expired.id), false);
    assert.equal(await store.appPasswords.create(makeAppPassword(), limit(3)), false);
    assert.equal((await store.appPasswords.list('alice')).length, 3);
    assert.equal(await store.appPasswords.create(makeAppPassword({ userId: 'bob' }), limit(3)), true);
  });

  it('touch records a use; delete revokes one of the owner’s; deleteAppPasswords revokes all of a user’s', async () => {
    const a = makeAppPassword();
    const b = makeAppPassword();
    const bobs = makeAppPassword({ userId: 'bob' });
    for (const p of [a, b, bobs]) await store.appPasswords.create(p, limit());
    await store.appPasswords.touch(a.id, T0 + 5);
    await store.appPasswords.touch('unknown', T0 + 5);
    assert.equal((await store.appPasswords.findByHash(a.hash))?.lastUsedAt, T0 + 5);

    assert.equal(await store.appPasswords.delete('mallory', a.id), false);
    assert.equal(await store.appPasswords.delete('alice', a.id), true);
    assert.equal(await store.appPasswords.delete('alice', a.id), false);
    assert.equal(await store.appPasswords.findByHash(a.hash), null);

    assert.equal(await store.appPasswords.deleteAll('alice'), 1);
    assert.deepEqual(await store.appPasswords.list('alice'), []);
    assert.deepEqual(await store.appPasswords.list('bob'), [bobs]);
  });

  describe(`atomicity under ${PARALLEL} parallel callers`, () => {
    it('create: with room for 15, exactly 15 of 30 succeed', async () => {
      for (let i = 0; i < 25; i++) await store.appPasswords.create(makeAppPassword(), limit());
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, () => store.appPasswords.create(makeAppPassword(), limit())),
      );
      assert.equal(results.filter(Boolean).length, 15);
      assert.equal((await store.appPasswords.list('alice')).length, 40);
    });
  });

  itRejectsAfterClose(store, closes, () => ({
    create: () => store.appPasswords.create(makeAppPassword(), limit()),
    findByHash: () => store.appPasswords.findByHash('x'),
    list: () => store.appPasswords.list('alice'),
    touch: () => store.appPasswords.touch('x', T0),
    delete: () => store.appPasswords.delete('alice', 'x'),
    deleteAll: () => store.appPasswords.deleteAll('alice'),
  }));
}
