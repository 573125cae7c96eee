import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SecretBox } from '../../src/crypto/secret-box.js';
import { secureRandom } from '../../src/crypto/random.js';
import { slowHash } from '../../src/crypto/slow-hash.js';
import { TotpMethod } from '../../src/methods/totp/totp-method.js';
import { canonicalJson } from '../../src/push/canonical-json.js';
import { SECRET_KEY } from '../support/harness.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';
import { loadVectors } from '../support/vectors.js';
import type { RequestVector } from '../support/vectors.js';

const v = loadVectors();

describe('test vectors (docs/push-protocol/vectors.json) against the server over HTTP', () => {
  let h: PushHarness;

  /** Sends a vector request byte for byte: its path, its headers, its body text. */
  async function replay(r: RequestVector): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(h.origin + r.request.path, { method: r.request.method, headers: r.request.headers, body: r.request.body ?? undefined });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  before(async () => {
    h = await startPushHarness();
    h.clock.nowMs = v.server.now;
    const s = v.server;
    const userId = await h.userId();
    // The vectors' unconfirmed push factor: their activation id and TOTP seed, sealed with this server's key.
    const scripted = [Buffer.from(s.activationId, 'base64url'), Buffer.from(s.totpSeedHex, 'hex')];
    const totp = new TotpMethod({
      store: h.store,
      box: new SecretBox([{ id: 'k1', key: SECRET_KEY }], secureRandom),
      issuer: s.issuer,
      settings: { algorithm: 'sha1', digits: 6, period: 30, window: 1, secretBytes: scripted[1]!.length },
      clock: h.clock.now,
      random: (size: number) => {
        const bytes = scripted.shift()!;
        assert.equal(bytes.length, size);
        return bytes;
      },
    });
    const { factor } = await totp.enroll(userId, s.accountName, { type: 'push', label: 'Mobile app (notification)' });
    assert.equal(factor.id, s.activationId);
    await h.store.push.createDevice({
      id: factor.id, userId, activationCodeHash: await slowHash(s.activationCode, secureRandom), activationExpiresAt: s.now + 10 * 60_000,
      activatedAt: null, publicKey: null, name: null, pinHash: null, disabledAt: null, createdAt: s.now,
    });
  });
  after(async () => h.stop());

  it('activates, lists the setup challenge, refuses every invalid example, and takes the approval', async () => {
    const [activation, ...rest] = v.requests as [RequestVector, ...RequestVector[]];
    const activated = await replay(activation);
    assert.deepEqual(activated, activation.response, activation.name);
    assert.equal((await h.store.push.getDevice(v.server.activationId))?.name, 'Ana’s Pixel 8 📱', 'the UTF-8 device name arrived intact');

    const c = v.server.challenge;
    await h.store.push.createChallenge({
      id: c.id, userId: await h.userId(), factorId: v.server.activationId, number: c.number, createdAt: c.createdAt, expiresAt: c.expiresAt,
      context: c.context, status: 'pending', resolvedAt: null, resolvedBy: null, evidence: null, consumedAt: null, noticeSeenAt: null,
    });
    const approve = rest.at(-1)!;
    for (const r of rest.slice(0, -1)) assert.deepEqual(await replay(r), r.response, r.name);
    for (const r of v.invalid) {
      const res = await replay(r);
      assert.deepEqual([res.status, res.body.error], [r.expect!.status, r.expect!.error], r.name);
    }
    assert.deepEqual(await replay(approve), approve.response, approve.name);
    const stored = await h.store.push.getChallenge(c.id);
    assert.equal(stored?.status, 'approved');
    assert.equal(stored?.evidence, canonicalJson({ answer: approve.answer!.object, pinSent: false, signature: approve.answer!.signature }), 'the signed answer is kept as evidence');
    assert.deepEqual(await replay(activation), { status: 401, body: { v: 1, error: 'unauthorized', message: 'Request not accepted.' } }, 'a vector request works once');
  });
});
