import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCredential } from './records.js';
import { itRejectsAfterClose, parallel, PARALLEL, T0 } from './store-per-test.js';
import type { SuiteStore } from './store-per-test.js';

/** The credentials facet's contract (../stores/facets/credentials.ts): WebAuthn security keys and passkeys. */
export function credentialsSuite(store: SuiteStore, closes: boolean): void {
  it('round-trips every field, the public key as a plain Uint8Array, and hands out copies', async () => {
    const used = makeCredential({ counter: 41, transports: ['internal', 'hybrid'], name: 'Passkey on my phone', lastUsedAt: T0 + 5 });
    const bare = makeCredential({ transports: [], publicKey: new Uint8Array(Buffer.from([1, 2, 3])) });
    assert.equal(await store.credentials.create(used), true);
    assert.equal(await store.credentials.create(bare), true);
    const found = await store.credentials.findByCredentialId(used.credentialId);
    assert.deepEqual(found, used);
    assert.equal(Object.getPrototypeOf(found!.publicKey), Uint8Array.prototype, 'a plain Uint8Array, not a Buffer');
    assert.deepEqual(await store.credentials.findByCredentialId(bare.credentialId), { ...bare, publicKey: new Uint8Array([1, 2, 3]) });
    found!.publicKey[0] = found!.publicKey[0]! ^ 0xff;
    found!.transports.push('ble');
    found!.counter = 99;
    assert.deepEqual(await store.credentials.findByCredentialId(used.credentialId), used);
    assert.equal(await store.credentials.findByCredentialId('unknown'), null);
  });

  it('does not keep the caller’s key buffer: changing it after create changes nothing', async () => {
    const credential = makeCredential();
    const original = new Uint8Array(credential.publicKey);
    await store.credentials.create(credential);
    credential.publicKey.fill(0);
    assert.deepEqual((await store.credentials.findByCredentialId(credential.credentialId))!.publicKey, original);
  });

  it('refuses a credential id registered before, to anyone, and throws on a duplicate id', async () => {
    const first = makeCredential();
    await store.credentials.create(first);
    assert.equal(await store.credentials.create(makeCredential({ userId: 'mallory', credentialId: first.credentialId })), false);
    assert.deepEqual(await store.credentials.list('mallory'), []);
    await assert.rejects(store.credentials.create(makeCredential({ id: first.id })));
    assert.deepEqual(await store.credentials.list('alice'), [first]);
  });

  it('lists only the given user’s credentials, oldest first', async () => {
    const late = makeCredential({ createdAt: T0 + 2 });
    const early = makeCredential({ createdAt: T0 + 1 });
    const bobs = makeCredential({ userId: 'bob' });
    for (const c of [late, early, bobs]) await store.credentials.create(c);
    assert.deepEqual(await store.credentials.list('alice'), [early, late]);
    assert.deepEqual(await store.credentials.list('bob'), [bobs]);
    assert.deepEqual(await store.credentials.list('carol'), []);
  });

  describe('acceptUse', () => {
    it('accepts only a counter greater than the stored one, recording it and the time of use', async () => {
      const c = makeCredential({ counter: 5 });
      await store.credentials.create(c);
      assert.equal(await store.credentials.acceptUse(c.id, 5, T0 + 1), false, 'the same counter: a cloned authenticator or a replay');
      assert.equal(await store.credentials.acceptUse(c.id, 4, T0 + 2), false, 'a lower counter');
      assert.equal(await store.credentials.acceptUse(c.id, 0, T0 + 3), false, 'a counter that fell back to 0');
      assert.deepEqual(await store.credentials.findByCredentialId(c.credentialId), c, 'a refused use changes nothing');
      assert.equal(await store.credentials.acceptUse(c.id, 6, T0 + 4), true);
      assert.equal(await store.credentials.acceptUse(c.id, 4_294_967_295, T0 + 5), true, 'the largest 32-bit counter');
      assert.deepEqual(await store.credentials.findByCredentialId(c.credentialId), { ...c, counter: 4_294_967_295, lastUsedAt: T0 + 5 });
    });

    it('accepts every use while both counters are 0 (an authenticator without a counter), until one grows', async () => {
      const c = makeCredential();
      await store.credentials.create(c);
      assert.equal(await store.credentials.acceptUse(c.id, 0, T0 + 1), true);
      assert.equal(await store.credentials.acceptUse(c.id, 0, T0 + 2), true);
      assert.equal((await store.credentials.findByCredentialId(c.credentialId))!.lastUsedAt, T0 + 2);
      assert.equal(await store.credentials.acceptUse(c.id, 1, T0 + 3), true);
      assert.equal(await store.credentials.acceptUse(c.id, 0, T0 + 4), false);
    });

    it('returns false for an unknown credential', async () => {
      assert.equal(await store.credentials.acceptUse('unknown', 1, T0), false);
    });
  });

  it('renames and deletes only for the owner', async () => {
    const c = makeCredential();
    await store.credentials.create(c);
    assert.equal(await store.credentials.rename('mallory', c.id, 'mine now'), false);
    assert.equal(await store.credentials.rename('alice', 'unknown', 'x'), false);
    assert.equal(await store.credentials.rename('alice', c.id, 'Backup key'), true);
    assert.equal((await store.credentials.findByCredentialId(c.credentialId))!.name, 'Backup key');
    assert.equal(await store.credentials.delete('mallory', c.id), false);
    assert.equal(await store.credentials.delete('alice', c.id), true);
    assert.equal(await store.credentials.delete('alice', c.id), false);
    assert.equal(await store.credentials.findByCredentialId(c.credentialId), null);
    assert.equal(await store.credentials.create(makeCredential({ credentialId: c.credentialId })), true, 'a deleted credential id may be registered again');
  });

  describe(`atomicity under ${PARALLEL} parallel callers`, () => {
    it('acceptUse: of uses reporting the same counter, exactly one is accepted', async () => {
      const c = makeCredential({ counter: 7 });
      await store.credentials.create(c);
      const results = await parallel((i) => store.credentials.acceptUse(c.id, 8, T0 + i));
      assert.equal(results.filter(Boolean).length, 1);
      const stored = await store.credentials.findByCredentialId(c.credentialId);
      assert.equal(stored!.counter, 8);
      assert.equal(stored!.lastUsedAt, T0 + results.indexOf(true));
    });

    it('acceptUse: of uses reporting counters 1 to 30 in any order, no counter is accepted after a higher one', async () => {
      const c = makeCredential();
      await store.credentials.create(c);
      const counters = Array.from({ length: PARALLEL }, (_, i) => ((i * 7) % PARALLEL) + 1);
      const results = await parallel((i) => store.credentials.acceptUse(c.id, counters[i]!, T0));
      assert.equal((await store.credentials.findByCredentialId(c.credentialId))!.counter, PARALLEL, 'the highest counter always wins');
      assert.ok(results[counters.indexOf(PARALLEL)], 'the use with the highest counter was accepted');
    });

    it('create: of registrations of one credential id, exactly one succeeds', async () => {
      const credentialId = makeCredential().credentialId;
      const results = await parallel((i) => store.credentials.create(makeCredential({ userId: `user${i}`, credentialId })));
      assert.equal(results.filter(Boolean).length, 1);
      const owner = await store.credentials.findByCredentialId(credentialId);
      assert.equal(owner!.userId, `user${results.indexOf(true)}`);
    });
  });

  itRejectsAfterClose(store, closes, async () => {
    const c = makeCredential();
    await store.credentials.create(c);
    return {
      create: () => store.credentials.create(makeCredential()),
      findByCredentialId: () => store.credentials.findByCredentialId(c.credentialId),
      list: () => store.credentials.list('alice'),
      acceptUse: () => store.credentials.acceptUse(c.id, 1, T0),
      rename: () => store.credentials.rename('alice', c.id, 'x'),
      delete: () => store.credentials.delete('alice', c.id),
    };
  });
}
