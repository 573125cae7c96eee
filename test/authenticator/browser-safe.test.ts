import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../../src/authenticator/index.js', import.meta.url));

/** Every module statically reachable from `file`, with its static import specifiers. */
function graph(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  seen.set(file, specifiers);
  for (const s of specifiers) if (s.startsWith('.')) graph(resolve(dirname(file), s), seen);
  return seen;
}

describe('the authenticator library runs in browsers', () => {
  it('statically imports only its own relative modules (no node:, no bare specifiers)', () => {
    const modules = graph(ENTRY);
    assert.ok(modules.size >= 5, 'walked the module graph');
    for (const [file, specifiers] of modules) {
      for (const s of specifiers) assert.ok(s.startsWith('./') || s.startsWith('../'), `${file} imports ${s}`);
    }
  });

  it('computes codes with an injected generator (the page passes otplib\'s browser build)', async () => {
    const { AuthenticatorClient, MemoryAccountStore } = await import('../../src/authenticator/index.js');
    const store = new MemoryAccountStore();
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    await store.save({
      deviceId: 'd', issuer: 'Contoso', accountName: 'alice', origin: 'https://x', deviceApi: '/mfa/device', activatedAt: 0,
      totp: { secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', algorithm: 'sha1', digits: 6, period: 30 },
      privateKey: keys.privateKey, publicKey: {},
    });
    const seen: unknown[] = [];
    const client = new AuthenticatorClient({ store, clock: () => 59_000, totp: async (o) => (seen.push(o), '123456') });
    assert.deepEqual(await client.codes(), [{ issuer: 'Contoso', accountName: 'alice', code: '123456', secondsLeft: 1 }]);
    assert.equal((seen[0] as { epoch: number }).epoch, 59);
    // RFC 6238 test vector (SHA-1, T = 59 s): 94287082 → 6 digits 287082, with the default otplib.
    const real = new AuthenticatorClient({ store, clock: () => 59_000 });
    assert.equal((await real.codes())[0]!.code, '287082');
  });
});
