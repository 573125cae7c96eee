import assert from 'node:assert/strict';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { AppPasswordLimitError, ConfigurationError, InvalidInputError } from '../../src/errors.js';
import { APP_PASSWORD_ENTROPY_BITS, AppPasswordMethod, canonicalAppPassword, validateAppPasswordName } from '../../src/methods/app-passwords/app-password-method.js';
import { DEFAULTS } from '../../src/options.js';
import type { ResolvedAppPasswordOptions } from '../../src/options.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import type { MfaStore } from '../../src/stores/mfa-store.js';
import { storeWith } from '../support/store-with.js';

const K1 = 'a1'.repeat(32);
const K2 = 'b2'.repeat(32);
const settings: ResolvedAppPasswordOptions = { ...DEFAULTS.appPasswords, findUser: undefined, verifyAccountPassword: undefined, dummyPasswordCheck: undefined, realm: 'Contoso' };

function method(overrides: { keys?: { id: string; key: string }[]; random?: (n: number) => Buffer; store?: MfaStore; maxPerUser?: number } = {}) {
  const store = overrides.store ?? new MemoryStore({ warn: () => {} });
  return {
    store,
    method: new AppPasswordMethod({
      store,
      keys: overrides.keys ?? [{ id: 'k1', key: K1 }],
      settings: { ...settings, maxPerUser: overrides.maxPerUser ?? 40 },
      clock: () => 1_700_000_000_000,
      random: overrides.random ?? randomBytes,
    }),
  };
}

describe('AppPasswordMethod', () => {
  it('makes 140-bit passwords of 7 groups of 4 unambiguous lowercase characters', async () => {
    assert.ok(APP_PASSWORD_ENTROPY_BITS >= 128);
    assert.equal(APP_PASSWORD_ENTROPY_BITS, 140);
    const { method: m } = method();
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { password } = await m.create(`user${i}`, 'Mail');
      assert.match(password, /^[2-9a-km-np-z]{4}(-[2-9a-km-np-z]{4}){6}$/);
      assert.doesNotMatch(password, /[01lo]/);
      seen.add(password);
    }
    assert.equal(seen.size, 200);
  });

  it('draws every bit from the injected random source', async () => {
    const zeros = method({ random: (n) => Buffer.alloc(n, 0) });
    assert.equal((await zeros.method.create('u', 'A')).password, '2222-2222-2222-2222-2222-2222-2222');
    const ones = method({ random: (n) => Buffer.alloc(n, 0xff) });
    assert.equal((await ones.method.create('u', 'A')).password, 'zzzz-zzzz-zzzz-zzzz-zzzz-zzzz-zzzz');
  });

  // Attack: a leaked database revealing usable app passwords.
  it('stores only HMAC-SHA-256 under HKDF(secretKey), never the password', async () => {
    const { method: m, store } = method();
    const { record, password } = await m.create('alice', 'Mail');
    const [stored] = await storeWith(store, ['appPasswords']).appPasswords.list('alice');
    const canonical = password.replace(/-/g, '');
    const key = Buffer.from(hkdfSync('sha256', Buffer.from(K1, 'hex'), Buffer.alloc(0), 'passport-mfa/app-password-hmac/v1', 32));
    assert.equal(stored?.hash, createHmac('sha256', key).update(canonical).digest('base64url'));
    assert.equal(JSON.stringify(stored).includes(canonical), false);
    assert.deepEqual(await m.find(password), record);
  });

  it('still finds passwords made under an older key after a key rotation', async () => {
    const store = new MemoryStore({ warn: () => {} });
    const { password } = await method({ store }).method.create('alice', 'Mail');
    const rotated = method({ store, keys: [{ id: 'k2', key: K2 }, { id: 'k1', key: K1 }] }).method;
    assert.notEqual(await rotated.find(password), null);
    const without = method({ store, keys: [{ id: 'k2', key: K2 }] }).method;
    assert.equal(await without.find(password), null);
  });

  it('refuses past maxPerUser with AppPasswordLimitError', async () => {
    const { method: m } = method({ maxPerUser: 2 });
    await m.create('alice', 'A');
    await m.create('alice', 'B');
    await assert.rejects(m.create('alice', 'C'), AppPasswordLimitError);
  });

  it('names the missing facets of a store without app passwords', async () => {
    const old = { core: { listFactors: async () => [] } } as unknown as MfaStore;
    assert.equal(method({ store: old }).method.supported(), false);
    assert.equal(method().method.supported(), true);
    await assert.rejects(method({ store: old }).method.create('alice', 'A'), (e: unknown) =>
      e instanceof ConfigurationError && /lacks the `appPasswords` facet/.test(e.message));
  });

  it('canonicalises what people type, and nothing else', () => {
    assert.equal(canonicalAppPassword('ABCD-efgh ijkm-npqr-stuv-wxyz-2345'), 'abcdefghijkmnpqrstuvwxyz2345');
    assert.equal(canonicalAppPassword('abcd-efgh-ijkm-npqr-stuv-wxyz-234'), null);
    assert.equal(canonicalAppPassword('abcd-efgh-ijkm-npqr-stuv-wxyz-2340'), null, '0 is not in the alphabet');
    assert.equal(canonicalAppPassword('x'.repeat(10_000)), null);
  });

  it('validates names: trimmed, 1-64 printable characters', () => {
    assert.equal(validateAppPasswordName('  Outlook on my laptop '), 'Outlook on my laptop');
    assert.equal(validateAppPasswordName('😀'.repeat(64)), '😀'.repeat(64));
    for (const bad of [undefined, 42, '', ' ', 'x'.repeat(65), 'a\tb', 'a\u202eb', 'a\ud800b']) {
      assert.throws(() => validateAppPasswordName(bad), InvalidInputError, JSON.stringify(bad));
    }
  });
});
