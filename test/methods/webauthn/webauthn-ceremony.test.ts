import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { WebAuthnCeremony } from '../../../src/methods/webauthn/webauthn-ceremony.js';
import type { NewKey } from '../../../src/methods/webauthn/webauthn-ceremony.js';
import type { ResolvedWebAuthnOptions } from '../../../src/methods/webauthn/webauthn-options.js';
import { SoftAuthenticator } from '../../support/soft-authenticator.js';

const ORIGIN = 'https://app.example.com';
const settings: ResolvedWebAuthnOptions = { rpId: 'example.com', rpName: 'Contoso', origins: [ORIGIN], userVerification: 'preferred', timeoutMs: 120_000, maxPerUser: 10 };

function ceremony(overrides: Partial<ResolvedWebAuthnOptions> = {}) {
  return new WebAuthnCeremony({ settings: { ...settings, ...overrides }, userHandleKey: Buffer.alloc(32, 7), random: randomBytes });
}

async function registered(c = ceremony(), authenticator = new SoftAuthenticator()): Promise<{ key: NewKey; authenticator: SoftAuthenticator }> {
  const challenge = c.newChallenge();
  const result = await c.verifyRegistration(authenticator.register({ challenge, origin: ORIGIN, rpId: 'example.com' }), challenge, []);
  assert.ok(result.ok, `registration verifies: ${JSON.stringify(result)}`);
  return { key: result.key, authenticator };
}

describe('WebAuthnCeremony: registration', () => {
  it('builds options for this relying party, with the user\'s keys excluded and an opaque user handle', async () => {
    const c = ceremony();
    const options = await c.registrationOptions({
      userId: 'user-42',
      userName: 'alice',
      challenge: 'Y2hhbGxlbmdl',
      existing: [{ credentialId: 'AAAA', publicKey: new Uint8Array(4), transports: ['usb'] }],
    });
    assert.equal(options.rp.id, 'example.com');
    assert.equal(options.rp.name, 'Contoso');
    assert.equal(options.challenge, 'Y2hhbGxlbmdl');
    assert.equal(options.attestation, 'none');
    assert.equal(options.timeout, 120_000);
    assert.equal(options.authenticatorSelection?.userVerification, 'preferred');
    assert.deepEqual(options.excludeCredentials, [{ id: 'AAAA', type: 'public-key', transports: ['usb'] }]);
    assert.notEqual(Buffer.from(options.user.id, 'base64url').toString(), 'user-42', 'the host\'s user id is not given to authenticators');
    const again = await c.registrationOptions({ userId: 'user-42', userName: 'alice', challenge: 'x', existing: [] });
    assert.equal(again.user.id, options.user.id, 'the handle is stable per user');
  });

  it('accepts a response to its challenge from its origin and returns the key to store', async () => {
    const { key, authenticator } = await registered();
    assert.equal(key.credentialId, authenticator.credentialId);
    assert.equal(key.counter, 0);
    assert.deepEqual(key.transports, ['usb']);
    assert.ok(key.publicKey.length > 60, 'a COSE P-256 key');
  });

  // Attack: a response made for a challenge other than the one this registration was given.
  it('refuses a response for another challenge', async () => {
    const c = ceremony();
    const response = new SoftAuthenticator().register({ challenge: c.newChallenge(), origin: ORIGIN, rpId: 'example.com' });
    assert.deepEqual(await c.verifyRegistration(response, c.newChallenge(), []), { ok: false, reason: 'invalid_response' });
  });

  // Attack: a phishing site relays the ceremony from its own origin.
  it('refuses a response made on another origin or for another relying party', async () => {
    const c = ceremony();
    const challenge = c.newChallenge();
    const phished = new SoftAuthenticator().register({ challenge, origin: 'https://app.example.com.evil.test', rpId: 'example.com' });
    assert.deepEqual(await c.verifyRegistration(phished, challenge, []), { ok: false, reason: 'invalid_response' });
    const otherRp = new SoftAuthenticator().register({ challenge, origin: ORIGIN, rpId: 'evil.test' });
    assert.deepEqual(await c.verifyRegistration(otherRp, challenge, []), { ok: false, reason: 'invalid_response' });
  });

  it('refuses a key that did not verify the user when verification is required', async () => {
    const c = ceremony({ userVerification: 'required' });
    const challenge = c.newChallenge();
    const response = new SoftAuthenticator({ userVerified: false }).register({ challenge, origin: ORIGIN, rpId: 'example.com' });
    assert.deepEqual(await c.verifyRegistration(response, challenge, []), { ok: false, reason: 'user_not_verified' });
  });

  it('refuses a key that is already registered', async () => {
    const c = ceremony();
    const { key, authenticator } = await registered(c);
    const challenge = c.newChallenge();
    const again = authenticator.register({ challenge, origin: ORIGIN, rpId: 'example.com' });
    assert.deepEqual(await c.verifyRegistration(again, challenge, [key]), { ok: false, reason: 'already_registered' });
  });

  it('answers malformed input with a reason, never a throw', async () => {
    const c = ceremony();
    for (const field of [undefined, null, 42, '', 'not json', '{}', '[]', JSON.stringify({ id: 'a', rawId: 'a', type: 'public-key', response: {} }), 'x'.repeat(20_000)]) {
      assert.deepEqual(await c.verifyRegistration(field, 'c', []), { ok: false, reason: 'malformed' }, String(field).slice(0, 40));
    }
  });
});

describe('WebAuthnCeremony: sign-in', () => {
  it('lists exactly the user\'s keys with the configured user verification', async () => {
    const options = await ceremony({ userVerification: 'required' }).authenticationOptions({
      challenge: 'abc',
      keys: [{ credentialId: 'AAAA', publicKey: new Uint8Array(4), transports: ['usb', 'nfc'] }, { credentialId: 'BBBB', publicKey: new Uint8Array(4), transports: [] }],
    });
    assert.equal(options.rpId, 'example.com');
    assert.equal(options.userVerification, 'required');
    assert.deepEqual(options.allowCredentials?.map((d) => d.id), ['AAAA', 'BBBB']);
  });

  it('accepts a signed assertion for its challenge and reports the new counter', async () => {
    const c = ceremony();
    const { key, authenticator } = await registered(c);
    const challenge = c.newChallenge();
    const result = await c.verifyAuthentication(authenticator.assert({ challenge, origin: ORIGIN, rpId: 'example.com' }), challenge, [key]);
    assert.deepEqual(result, { ok: true, credentialId: key.credentialId, counter: 1, userVerified: true, multiDevice: false });
  });

  // Attack: an assertion signed for a challenge this sign-in was not given (another session's, or an old one).
  it('refuses an assertion for another challenge', async () => {
    const c = ceremony();
    const { key, authenticator } = await registered(c);
    const response = authenticator.assert({ challenge: c.newChallenge(), origin: ORIGIN, rpId: 'example.com' });
    assert.deepEqual(await c.verifyAuthentication(response, c.newChallenge(), [key]), { ok: false, reason: 'invalid_response' });
  });

  // Attack: a real-time phishing relay; the browser reports the phishing origin.
  it('refuses an assertion made on another origin', async () => {
    const c = ceremony();
    const { key, authenticator } = await registered(c);
    const challenge = c.newChallenge();
    const response = authenticator.assert({ challenge, origin: 'https://login-example.test', rpId: 'example.com' });
    assert.deepEqual(await c.verifyAuthentication(response, challenge, [key]), { ok: false, reason: 'invalid_response' });
  });

  // Attack: signing in with a key registered to another account.
  it('refuses a credential that is not among the user\'s keys', async () => {
    const c = ceremony();
    const mine = await registered(c);
    const theirs = await registered(c);
    const challenge = c.newChallenge();
    const response = theirs.authenticator.assert({ challenge, origin: ORIGIN, rpId: 'example.com' });
    assert.deepEqual(await c.verifyAuthentication(response, challenge, [mine.key]), { ok: false, reason: 'unknown_credential' });
  });

  // Attack: a response whose signature does not verify. The library answers `verified: false`
  // rather than throwing; that must be a failure like any other.
  it('treats verified: false (a bad signature) as a failure', async () => {
    const c = ceremony();
    const { key, authenticator } = await registered(c);
    const challenge = c.newChallenge();
    const response = JSON.parse(authenticator.assert({ challenge, origin: ORIGIN, rpId: 'example.com' })) as { response: { signature: string } };
    const other = new SoftAuthenticator();
    const foreign = JSON.parse(other.assert({ challenge, origin: ORIGIN, rpId: 'example.com' })) as { response: { signature: string } };
    response.response.signature = foreign.response.signature;
    assert.deepEqual(await c.verifyAuthentication(JSON.stringify(response), challenge, [key]), { ok: false, reason: 'not_verified' });
  });

  it('refuses an assertion without user verification when it is required, and accepts it when preferred', async () => {
    const strict = ceremony({ userVerification: 'required' });
    const { key, authenticator } = await registered(strict);
    authenticator.userVerified = false;
    const challenge = strict.newChallenge();
    const response = authenticator.assert({ challenge, origin: ORIGIN, rpId: 'example.com' });
    assert.deepEqual(await strict.verifyAuthentication(response, challenge, [key]), { ok: false, reason: 'user_not_verified' });
    const relaxed = ceremony({ userVerification: 'preferred' });
    const result = await relaxed.verifyAuthentication(response, challenge, [key]);
    assert.ok(result.ok && result.userVerified === false);
  });

  it('answers malformed input with a reason, never a throw', async () => {
    const c = ceremony();
    const { key } = await registered(c);
    const bad = [undefined, 7, '', '{', JSON.stringify({ id: key.credentialId, rawId: key.credentialId, type: 'public-key', response: { clientDataJSON: '!!' } })];
    for (const field of bad) assert.deepEqual(await c.verifyAuthentication(field, 'c', [key]), { ok: false, reason: 'malformed' });
    const garbage = JSON.stringify({ id: key.credentialId, rawId: key.credentialId, type: 'public-key', response: { clientDataJSON: 'AAAA', authenticatorData: 'AAAA', signature: 'AAAA' } });
    assert.deepEqual(await c.verifyAuthentication(garbage, 'c', [key]), { ok: false, reason: 'invalid_response' });
  });
});
