import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { hmacSha256Bytes } from '../../crypto/hmac.js';
import type { RandomSource } from '../../crypto/random.js';
import type { ResolvedWebAuthnOptions } from './webauthn-options.js';
import { parseAuthenticationResponse, parseRegistrationResponse } from './webauthn-response.js';

/** What the verifier needs of a registered key. */
export interface RegisteredKey {
  /** Credential id, base64url. */
  credentialId: string;
  /** COSE public key. */
  publicKey: Uint8Array;
  transports: string[];
}

/** A key that passed registration, ready to be stored. */
export interface NewKey extends RegisteredKey {
  counter: number;
  /** The authenticator model (all zeroes when the browser hides it, as with attestation 'none'). */
  aaguid: string;
  /** A synced passkey rather than a key bound to one device. */
  multiDevice: boolean;
  backedUp: boolean;
}

export type RegistrationFailure = 'malformed' | 'invalid_response' | 'not_verified' | 'user_not_verified' | 'already_registered';
export type RegistrationResult = { ok: true; key: NewKey } | { ok: false; reason: RegistrationFailure };

export type AssertionFailure = 'malformed' | 'unknown_credential' | 'invalid_response' | 'not_verified' | 'user_not_verified';
/**
 * A signature that verified, and the counter the authenticator reported with it. The counter is
 * NOT checked here: the caller compares and stores it in one atomic store step, so that of two
 * parallel uses of one counter value only one can win.
 */
export type AssertionResult =
  | { ok: true; credentialId: string; counter: number; userVerified: boolean; multiDevice: boolean }
  | { ok: false; reason: AssertionFailure };

export interface WebAuthnCeremonyOptions {
  settings: ResolvedWebAuthnOptions;
  /** Derives the opaque user handle given to authenticators (never the host's own user id). */
  userHandleKey: Buffer;
  random: RandomSource;
}

/**
 * The two WebAuthn ceremonies (register a key, sign in with one) on @simplewebauthn/server,
 * framework-free. Every response is shape-checked first, every library throw is a failure, and
 * only `verified === true` from the library is ever a success.
 */
export class WebAuthnCeremony {
  readonly #o: WebAuthnCeremonyOptions;

  constructor(options: WebAuthnCeremonyOptions) {
    this.#o = options;
  }

  /** 32 random bytes, base64url: what the authenticator signs. */
  newChallenge(): string {
    return this.#o.random(32).toString('base64url');
  }

  registrationOptions(input: { userId: string; userName: string; challenge: string; existing: readonly RegisteredKey[] }): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { settings, userHandleKey } = this.#o;
    return generateRegistrationOptions({
      rpName: settings.rpName,
      rpID: settings.rpId,
      userName: input.userName,
      userDisplayName: input.userName,
      userID: new Uint8Array(hmacSha256Bytes(userHandleKey, input.userId)),
      challenge: challengeBytes(input.challenge),
      timeout: settings.timeoutMs,
      attestationType: 'none',
      // The same authenticator twice would only look like two keys.
      excludeCredentials: input.existing.map(descriptor),
      authenticatorSelection: {
        // A second factor is always asked for with allowCredentials, so no key slot is spent on it.
        residentKey: 'discouraged',
        userVerification: settings.userVerification,
      },
    });
  }

  async verifyRegistration(field: unknown, expectedChallenge: string, existing: readonly RegisteredKey[]): Promise<RegistrationResult> {
    const response = parseRegistrationResponse(field);
    if (!response) return { ok: false, reason: 'malformed' };
    const result = await this.#verified(
      (expected) => verifyRegistrationResponse({ response, expectedChallenge, ...expected }),
      (verified) => verified.registrationInfo.userVerified,
    );
    if ('ok' in result) return result;
    const info = result.registrationInfo;
    const credentialId = info.credential.id;
    if (existing.some((k) => k.credentialId === credentialId)) return { ok: false, reason: 'already_registered' };
    return {
      ok: true,
      key: {
        credentialId,
        publicKey: info.credential.publicKey,
        counter: info.credential.counter,
        transports: response.response.transports ?? [],
        aaguid: info.aaguid,
        multiDevice: info.credentialDeviceType === 'multiDevice',
        backedUp: info.credentialBackedUp,
      },
    };
  }

  authenticationOptions(input: { challenge: string; keys: readonly RegisteredKey[] }): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const { settings } = this.#o;
    return generateAuthenticationOptions({
      rpID: settings.rpId,
      challenge: challengeBytes(input.challenge),
      timeout: settings.timeoutMs,
      allowCredentials: input.keys.map(descriptor),
      userVerification: settings.userVerification,
    });
  }

  /** Checks an assertion against the challenge this sign-in was given and the user's own keys only. */
  async verifyAuthentication(field: unknown, expectedChallenge: string, keys: readonly RegisteredKey[]): Promise<AssertionResult> {
    const response = parseAuthenticationResponse(field);
    if (!response) return { ok: false, reason: 'malformed' };
    // Another user's key (or a made-up id) is unknown here, whatever it signed.
    const key = keys.find((k) => k.credentialId === response.id);
    if (!key) return { ok: false, reason: 'unknown_credential' };
    const result = await this.#verified(
      (expected) => verifyAuthenticationResponse({
        response,
        expectedChallenge,
        ...expected,
        // The library's own counter check is bypassed with 0: the store compares atomically instead.
        credential: { id: key.credentialId, publicKey: new Uint8Array(key.publicKey), counter: 0 },
      }),
      (verified) => verified.authenticationInfo.userVerified,
    );
    if ('ok' in result) return result;
    const info = result.authenticationInfo;
    return {
      ok: true,
      credentialId: key.credentialId,
      counter: info.newCounter,
      userVerified: info.userVerified,
      // The backup-eligible flag of this very assertion: a synced passkey rather than one device's key.
      multiDevice: info.credentialDeviceType === 'multiDevice',
    };
  }

  /**
   * One of the library's verifications, against this site's origins and rp id: its result if it
   * verified the response (and the user, when `userVerification` is 'required'), else why not.
   * A throw is a failure like any other. User verification is checked here rather than by the
   * library, so that its absence has its own reason.
   */
  async #verified<T extends { verified: boolean }>(
    verify: (expected: { expectedOrigin: string[]; expectedRPID: string; requireUserVerification: false }) => Promise<T>,
    userVerified: (result: T & { verified: true }) => boolean,
  ): Promise<(T & { verified: true }) | { ok: false; reason: 'invalid_response' | 'not_verified' | 'user_not_verified' }> {
    const { settings } = this.#o;
    let result: T;
    try {
      result = await verify({ expectedOrigin: settings.origins, expectedRPID: settings.rpId, requireUserVerification: false });
    } catch {
      return { ok: false, reason: 'invalid_response' };
    }
    if (result.verified !== true) return { ok: false, reason: 'not_verified' };
    const verified = result as T & { verified: true };
    if (settings.userVerification === 'required' && userVerified(verified) !== true) return { ok: false, reason: 'user_not_verified' };
    return verified;
  }
}

/** The library takes a string challenge as text to encode; ours is base64url already, so it gets the bytes. */
function challengeBytes(challenge: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(challenge, 'base64url'));
}

function descriptor(key: RegisteredKey): { id: string; transports: string[] } {
  return { id: key.credentialId, transports: key.transports };
}
