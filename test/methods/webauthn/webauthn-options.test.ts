import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../../src/errors.js';
import { resolveWebAuthn, webAuthnSchema } from '../../../src/methods/webauthn/webauthn-options.js';
import { createMfa } from '../../../src/mfa.js';
import { MemoryStore } from '../../../src/stores/memory/memory-store.js';

const parse = (input: unknown) => webAuthnSchema.safeParse(input);
const problems = (input: unknown): string => {
  const result = parse(input);
  assert.equal(result.success, false, `${JSON.stringify(input)} is refused`);
  return result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
};

describe('webauthn options', () => {
  it('fills defaults and normalises origins', () => {
    const parsed = parse({ rpId: 'example.com', origin: ['https://example.com/', 'https://app.example.com:8443'] });
    assert.ok(parsed.success);
    assert.deepEqual(resolveWebAuthn(parsed.data, 'Contoso'), {
      rpId: 'example.com',
      rpName: 'Contoso',
      origins: ['https://example.com', 'https://app.example.com:8443'],
      userVerification: 'preferred',
      timeoutMs: 120_000,
      maxPerUser: 10,
    });
  });

  it('accepts http only for localhost', () => {
    assert.ok(parse({ rpId: 'localhost', origin: 'http://localhost:3000' }).success);
    assert.match(problems({ rpId: 'example.com', origin: 'http://example.com' }), /must use https/);
  });

  it('says what is wrong with each bad value', () => {
    assert.match(problems({ origin: 'https://example.com' }), /rpId/);
    assert.match(problems({ rpId: 'example.com' }), /origin: /);
    assert.match(problems({ rpId: 'https://example.com', origin: 'https://example.com' }), /rpId: must be a lowercase domain/);
    assert.match(problems({ rpId: '127.0.0.1', origin: 'https://127.0.0.1' }), /not an IP address/);
    assert.match(problems({ rpId: 'example.com', origin: 'https://example.com/login' }), /origin only/);
    assert.match(problems({ rpId: 'example.com', origin: 'not a url' }), /is not a URL/);
    assert.match(problems({ rpId: 'example.com', origin: 'https://example.com.evil.test' }), /is not on rpId "example.com"/);
    assert.match(problems({ rpId: 'example.com', origin: 'https://notexample.com' }), /is not on rpId/);
    assert.match(problems({ rpId: 'example.com', origin: 'https://example.com', userVerification: 'always' }), /userVerification/);
    assert.match(problems({ rpId: 'example.com', origin: 'https://example.com', timeoutMs: 5 }), /at least 10000/);
    assert.match(problems({ rpId: 'example.com', origin: 'https://example.com', rpid: 'x' }), /rpid/);
  });

  it('stops createMfa() at startup with a ConfigurationError that says what to fix', () => {
    const base = { issuer: 'Contoso', store: new MemoryStore({ warn: () => {} }), secretKey: 'ab'.repeat(32) };
    assert.throws(
      () => createMfa({ ...base, webauthn: { rpId: 'example.com', origin: 'http://example.com' } }),
      (error: unknown) => error instanceof ConfigurationError && /webauthn\.origin: "http:\/\/example\.com" must use https/.test(error.message),
    );
    assert.throws(
      () => createMfa({ ...base, webauthn: { rpId: 'example.com' } as never }),
      (error: unknown) => error instanceof ConfigurationError && /webauthn\.origin: is required/.test(error.message),
    );
    const { credentials: _credentials, ...withoutCredentials } = new MemoryStore({ warn: () => {} });
    void _credentials;
    assert.throws(
      () => createMfa({ ...base, store: withoutCredentials as never, webauthn: { rpId: 'example.com', origin: 'https://example.com' } }),
      (error: unknown) => error instanceof ConfigurationError && /credentials/.test(error.message) && /remove the webauthn option/.test(error.message),
    );
    assert.doesNotThrow(() => createMfa({ ...base, webauthn: { rpId: 'example.com', origin: 'https://example.com' } }));
  });
});
