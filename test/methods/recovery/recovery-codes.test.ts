import assert from 'node:assert/strict';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { RECOVERY_CODE, RECOVERY_CODE_COUNT, RecoveryCodes } from '../../../src/methods/recovery/recovery-codes.js';
import { MemoryStore } from '../../../src/stores/memory/memory-store.js';

const K1 = { id: 'k1', key: 'a1'.repeat(32) };
const K2 = { id: 'k2', key: 'b2'.repeat(32) };

function codes(keys = [K1], store = new MemoryStore({ warn: () => {} })) {
  return { store, codes: new RecoveryCodes({ store: store.recoveryCodes, keys, random: randomBytes }) };
}

describe('RecoveryCodes', () => {
  it('makes 10 distinct codes of 80 random bits in four groups of four', async () => {
    assert.equal(RECOVERY_CODE.entropyBits, 80);
    assert.ok(RECOVERY_CODE.entropyBits >= 64);
    const { codes: c } = codes();
    const set = await c.generate('u1');
    assert.equal(set.length, RECOVERY_CODE_COUNT);
    assert.equal(new Set(set).size, 10);
    for (const code of set) assert.match(code, /^[2-9a-km-np-z]{4}(-[2-9a-km-np-z]{4}){3}$/);
  });

  it('keeps only HMAC-SHA-256 digests under an HKDF subkey, bound to the user', async () => {
    const { codes: c, store } = codes();
    const [code] = await c.generate('u1');
    const canonical = code!.replace(/-/g, '');
    const subkey = Buffer.from(hkdfSync('sha256', Buffer.from(K1.key, 'hex'), Buffer.alloc(0), 'passport-mfa/recovery-code-hmac/v1', 32));
    const digest = createHmac('sha256', subkey).update(`u1:${canonical}`).digest('base64url');
    assert.equal(await store.recoveryCodes.consume('u1', digest), true, 'the stored digest is the keyed hash of user id and code');
    assert.equal(await store.recoveryCodes.consume('u2', digest), false);
  });

  it('uses each code once, says how many are left, and accepts what people type', async () => {
    const { codes: c } = codes();
    const set = await c.generate('u1');
    assert.deepEqual(await c.use('u1', set[0]!.toUpperCase().replace(/-/g, ' ')), { ok: true, remaining: 9 });
    assert.deepEqual(await c.use('u1', set[0]), { ok: false, reason: 'invalid_code' });
    assert.deepEqual(await c.use('u1', ` ${set[1]!.replace(/-/g, '')} `), { ok: true, remaining: 8 });
    // Full-width forms (a phone keyboard in another script) are the same characters.
    const fullWidth = [...set[2]!].map((ch) => (ch === '-' ? ch : String.fromCharCode(ch.charCodeAt(0) + 0xfee0))).join('');
    assert.deepEqual(await c.use('u1', fullWidth), { ok: true, remaining: 7 });
  });

  it("refuses another user's code and malformed input without touching the store", async () => {
    const { codes: c } = codes();
    const mine = await c.generate('u1');
    await c.generate('u2');
    assert.deepEqual(await c.use('u2', mine[0]), { ok: false, reason: 'invalid_code' });
    for (const input of [undefined, 42, ['a'], '', 'abcd-efgh', 'x'.repeat(100), 'abcd-efgh-jkmn-pqr0']) {
      assert.deepEqual(await c.use('u1', input), { ok: false, reason: 'code_malformed' }, String(input));
    }
    assert.equal(await c.remaining('u1'), 10);
  });

  it('ends the old set when a new one is made', async () => {
    const { codes: c } = codes();
    const old = await c.generate('u1');
    const fresh = await c.generate('u1');
    assert.deepEqual(await c.use('u1', old[0]), { ok: false, reason: 'invalid_code' });
    assert.deepEqual(await c.use('u1', fresh[0]), { ok: true, remaining: 9 });
  });

  it('keeps working after the secret key is rotated (the old key still listed)', async () => {
    const store = new MemoryStore({ warn: () => {} });
    const before = await codes([K1], store).codes.generate('u1');
    assert.deepEqual(await codes([K2, K1], store).codes.use('u1', before[0]), { ok: true, remaining: 9 });
    assert.deepEqual(await codes([K2], store).codes.use('u1', before[1]), { ok: false, reason: 'invalid_code' }, 'not once the old key is gone');
  });
});
