import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { base32 } from '@otplib/plugin-base32-scure';
import type { RandomSource } from '../../src/crypto/random.js';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { TotpMethod, totpAt } from '../../src/methods/totp/totp-method.js';
import { DEFAULTS } from '../../src/options.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { FakeClock } from '../support/fake-clock.js';

const ISSUER = 'Contoso Ltd';
const ACCOUNT = 'alice@example.com';
const PERIOD_MS = DEFAULTS.totp.period * 1000;

/**
 * Reproducible "random" bytes, so every seed (and thus every code compared below) is the same on
 * each run: a ±2-step code can then never collide with an accepted one by chance.
 */
function seededRandom(label: string): RandomSource {
  let counter = 0;
  return (size) => {
    const out = Buffer.alloc(size);
    for (let filled = 0; filled < size; filled += 32) {
      createHash('sha256').update(`${label}:${counter++}`).digest().copy(out, filled);
    }
    return out;
  };
}

describe('TotpMethod (MemoryStore, default settings)', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let totp: TotpMethod;

  beforeEach(() => {
    clock = new FakeClock();
    store = new MemoryStore({ warn: () => {} });
    const random = seededRandom('totp-method');
    const box = new SecretBox([{ id: 'k1', key: 'ab'.repeat(32) }], random);
    totp = new TotpMethod({ store, box, issuer: ISSUER, settings: DEFAULTS.totp, clock: clock.now, random });
  });

  /** Enrolls alice and returns her factor id, raw seed and a code generator relative to now. */
  async function enrollAlice() {
    const { factor, provisioning } = await totp.enroll('alice', ACCOUNT);
    const seed = Buffer.from(base32.decode(provisioning.secret));
    const codeAt = (offsetSteps: number) =>
      totpAt(seed, clock.now() / 1000 + offsetSteps * DEFAULTS.totp.period, { algorithm: 'sha1', digits: 6, period: 30 });
    return { factor, provisioning, seed, codeAt };
  }

  const currentStep = () => Math.floor(clock.now() / PERIOD_MS);

  describe('enroll', () => {
    it('creates an unconfirmed factor with a 160-bit seed', async () => {
      const { factor, provisioning, seed } = await enrollAlice();
      assert.equal(seed.length, 20);
      assert.equal(provisioning.secret.length, 32, '160 bits in base32 without padding');
      assert.match(provisioning.secret, /^[A-Z2-7]{32}$/);
      const stored = await store.core.getFactor(factor.id);
      assert.deepEqual(stored, factor);
      assert.equal(stored?.type, 'totp');
      assert.equal(stored?.userId, 'alice');
      assert.equal(stored?.confirmedAt, null);
      assert.equal(stored?.lastStep, null);
      assert.equal(stored?.createdAt, clock.now());
    });

    // Attack: reading TOTP seeds out of a stolen database dump or backup.
    it('stores the seed only sealed: no encoding of it appears anywhere in the stored record', async () => {
      const { factor, provisioning, seed } = await enrollAlice();
      const stored = await store.core.getFactor(factor.id);
      assert.ok(stored?.sealedSecret, 'the seed is stored sealed');
      assert.match(stored.sealedSecret, /^v1\.k1\./);
      const record = JSON.stringify(stored);
      for (const encoding of [provisioning.secret, seed.toString('hex'), seed.toString('base64'), seed.toString('base64url'), seed.toString('latin1')]) {
        assert.ok(!record.includes(encoding), `stored factor contains the seed as ${encoding}`);
      }
      assert.ok(!record.toUpperCase().includes(provisioning.secret), 'stored factor contains the base32 seed in another case');
      assert.equal(totp.provisioning(stored).secret, provisioning.secret, 'the sealed value opens to the same seed');
    });

    it('gives each enrollment its own seed', async () => {
      const first = await enrollAlice();
      const second = await enrollAlice();
      assert.notEqual(first.provisioning.secret, second.provisioning.secret);
      assert.notEqual(first.factor.id, second.factor.id);
    });

    it('provisions otpauth://totp/<issuer>:<account> with SHA1, 6 digits, 30 s', async () => {
      const { provisioning } = await enrollAlice();
      assert.deepEqual(
        { issuer: provisioning.issuer, accountName: provisioning.accountName, algorithm: provisioning.algorithm, digits: provisioning.digits, period: provisioning.period },
        { issuer: ISSUER, accountName: ACCOUNT, algorithm: 'sha1', digits: 6, period: 30 },
      );

      const uri = new URL(provisioning.uri);
      assert.equal(uri.protocol, 'otpauth:');
      assert.equal(uri.host, 'totp');
      assert.equal(decodeURIComponent(uri.pathname), `/${ISSUER}:${ACCOUNT}`);
      const params = uri.searchParams;
      assert.deepEqual(
        [...params.keys()].filter((k) => !['secret', 'issuer', 'algorithm', 'digits', 'period'].includes(k)),
        [],
        'no parameter an authenticator app would not understand',
      );
      assert.equal(params.get('secret'), provisioning.secret);
      assert.equal(params.get('issuer'), ISSUER);
      // The Key URI Format defaults are SHA1 / 6 / 30, so each may be left out but never differ.
      assert.equal(params.get('algorithm') ?? 'SHA1', 'SHA1');
      assert.equal(params.get('digits') ?? '6', '6');
      assert.equal(params.get('period') ?? '30', '30');
    });
  });

  describe('verify', () => {
    for (const offset of [-1, 0, 1]) {
      it(`accepts the code of step ${offset >= 0 ? '+' : ''}${offset} and reports and persists that step`, async () => {
        const { factor, codeAt } = await enrollAlice();
        const result = await totp.verify(await store.core.listFactors('alice'), codeAt(offset));
        assert.deepEqual(result, { ok: true, factorId: factor.id, timeStep: currentStep() + offset });
        const stored = await store.core.getFactor(factor.id);
        assert.equal(stored?.lastStep, currentStep() + offset);
        assert.equal(stored?.lastUsedAt, clock.now());
      });
    }

    // Attack: using a code long after it was shown (shoulder-surfed, phished, or from an old screenshot).
    for (const offset of [-2, 2]) {
      it(`refuses the code of step ${offset > 0 ? '+' : ''}${offset} and persists nothing`, async () => {
        const { factor, codeAt } = await enrollAlice();
        assert.deepEqual(await totp.verify(await store.core.listFactors('alice'), codeAt(offset)), { ok: false, reason: 'invalid_code' });
        assert.equal((await store.core.getFactor(factor.id))?.lastStep, null);
      });
    }

    it('refuses a wrong code and answers no_factor when the user has no TOTP factor', async () => {
      const { codeAt } = await enrollAlice();
      const wrong = String((Number(codeAt(0)) + 1) % 1_000_000).padStart(6, '0');
      assert.deepEqual(await totp.verify(await store.core.listFactors('alice'), wrong), { ok: false, reason: 'invalid_code' });
      assert.deepEqual(await totp.verify([], codeAt(0)), { ok: false, reason: 'no_factor' });
    });

    // Attack: replaying an intercepted code, or an older one still inside the window.
    it('refuses the same code again and any code of an older step as replayed', async () => {
      const { factor, codeAt } = await enrollAlice();
      const ok = await totp.verify(await store.core.listFactors('alice'), codeAt(0));
      assert.deepEqual(ok, { ok: true, factorId: factor.id, timeStep: currentStep() });

      assert.deepEqual(await totp.verify(await store.core.listFactors('alice'), codeAt(0)), { ok: false, reason: 'replayed' });
      assert.deepEqual(await totp.verify(await store.core.listFactors('alice'), codeAt(-1)), { ok: false, reason: 'replayed' });
      assert.equal((await store.core.getFactor(factor.id))?.lastStep, currentStep(), 'a refused replay leaves lastStep alone');

      clock.advance(PERIOD_MS);
      assert.deepEqual(await totp.verify(await store.core.listFactors('alice'), codeAt(-1)), { ok: false, reason: 'replayed' }, 'last step, now one behind');
      const next = await totp.verify(await store.core.listFactors('alice'), codeAt(0));
      assert.deepEqual(next, { ok: true, factorId: factor.id, timeStep: currentStep() });
      assert.equal((await store.core.getFactor(factor.id))?.lastStep, currentStep());
    });

    // Attack: replaying a code in a race, before the first use is visible in the caller's snapshot.
    it('refuses a replay even when the caller holds a stale factor record; of 30 parallel uses exactly one wins', async () => {
      const { factor, codeAt } = await enrollAlice();
      const snapshot = await store.core.listFactors('alice');
      const results = await Promise.all(Array.from({ length: 30 }, () => totp.verify(snapshot, codeAt(0))));
      assert.equal(results.filter((r) => r.ok).length, 1);
      for (const r of results.filter((r) => !r.ok)) assert.deepEqual(r, { ok: false, reason: 'replayed' });
      assert.deepEqual(await totp.verify(snapshot, codeAt(0)), { ok: false, reason: 'replayed' });
      assert.equal((await store.core.getFactor(factor.id))?.lastStep, currentStep());
    });
  });
});
