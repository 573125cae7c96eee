import { createHash, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/** Where a ceremony runs, as a browser would report it. */
export interface CeremonyContext {
  challenge: string;
  origin: string;
  rpId: string;
}

export interface SoftAuthenticatorOptions {
  /** Set the user-verified flag (a PIN or biometric was checked). @default true */
  userVerified?: boolean;
  /** Counter value before the first use; 0 with `counterStep: 0` imitates keys without a counter. @default 0 */
  counter?: number;
  /** How much the counter grows per assertion. @default 1 */
  counterStep?: number;
}

/**
 * A software WebAuthn authenticator (ES256, attestation 'none') for supertest tests: it builds
 * exactly the bytes a browser and security key would, so the server's real verifier checks them.
 * Browser tests use Chromium's virtual authenticator instead.
 */
export class SoftAuthenticator {
  readonly credentialId = randomBytes(16).toString('base64url');
  counter: number;
  userVerified: boolean;
  readonly #counterStep: number;
  readonly #privateKey: KeyObject;
  readonly #cosePublicKey: Uint8Array;

  constructor(options: SoftAuthenticatorOptions = {}) {
    this.counter = options.counter ?? 0;
    this.userVerified = options.userVerified ?? true;
    this.#counterStep = options.counterStep ?? 1;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.#cosePublicKey = isoCBOR.encode(new Map<number, number | Uint8Array>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]));
  }

  /** What navigator.credentials.create() would resolve with, JSON-encoded as the page posts it. */
  register(at: CeremonyContext): string {
    const credentialId = Buffer.from(this.credentialId, 'base64url');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(credentialId.length);
    const authData = Buffer.concat([
      this.#header(at.rpId, 0x40), // AT: attested credential data follows
      Buffer.alloc(16), // aaguid
      length,
      credentialId,
      this.#cosePublicKey,
    ]);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', new Uint8Array(authData)]]) as never);
    return JSON.stringify({
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
      response: {
        clientDataJSON: clientData('webauthn.create', at),
        attestationObject: Buffer.from(attestationObject).toString('base64url'),
        transports: ['usb'],
      },
    });
  }

  /** What navigator.credentials.get() would resolve with; the counter moves on first. */
  assert(at: CeremonyContext): string {
    this.counter += this.#counterStep;
    const authData = this.#header(at.rpId, 0);
    const clientDataJSON = clientData('webauthn.get', at);
    const signer = createSign('sha256');
    signer.update(Buffer.concat([authData, createHash('sha256').update(Buffer.from(clientDataJSON, 'base64url')).digest()]));
    return JSON.stringify({
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      clientExtensionResults: {},
      response: {
        clientDataJSON,
        authenticatorData: authData.toString('base64url'),
        signature: signer.sign(this.#privateKey).toString('base64url'),
      },
    });
  }

  /** rpIdHash | flags (UP, UV when verified, plus `extra`) | counter. */
  #header(rpId: string, extra: number): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const flags = 0x01 | (this.userVerified ? 0x04 : 0) | extra;
    return Buffer.concat([createHash('sha256').update(rpId).digest(), Buffer.from([flags]), counter]);
  }
}

function clientData(type: string, at: CeremonyContext): string {
  return Buffer.from(JSON.stringify({ type, challenge: at.challenge, origin: at.origin, crossOrigin: false })).toString('base64url');
}

