import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthenticatorClient, MemoryAccountStore } from '../../src/authenticator/index.js';
import type { AuthenticatorAccount } from '../../src/authenticator/index.js';

describe('the authenticator client keeps device requests out of the HTTP cache', () => {
  it('sends every request with cache: no-store, so long-polls of several accounts (one URL) never wait on each other', async () => {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const account = (deviceId: string): AuthenticatorAccount => ({
      deviceId, issuer: 'Contoso', accountName: deviceId, origin: 'https://app.example', deviceApi: '/mfa/device', activatedAt: 0,
      totp: { secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', algorithm: 'sha1', digits: 6, period: 30 },
      privateKey: keys.privateKey, publicKey: {},
    });
    const sent: { url: string; cache: RequestCache | undefined }[] = [];
    const fetch: typeof globalThis.fetch = async (url, init) => {
      sent.push({ url: String(url), cache: init?.cache });
      return Response.json(String(url).endsWith('/answer') ? { v: 1, status: 'denied' } : { v: 1, challenges: [] });
    };
    const client = new AuthenticatorClient({ store: new MemoryAccountStore(), fetch });

    await Promise.all([client.waitForChallenges(account('device-one-aaaaaaa')), client.waitForChallenges(account('device-two-aaaaaaa'))]);
    await client.answer(account('device-one-aaaaaaa'), 'challenge-aaaaaaaaaaaa', 'deny');

    assert.equal(sent[0]!.url, sent[1]!.url, "two accounts' long-polls share one URL");
    assert.deepEqual(sent.map((r) => r.cache), ['no-store', 'no-store', 'no-store']);
  });
});
