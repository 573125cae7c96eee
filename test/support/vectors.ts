import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROTOCOL_DOCS } from './published-schemas.js';

/** One signed device request of docs/push-protocol/vectors.json, exactly as it goes on the wire. */
export interface RequestVector {
  name: string;
  request: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; headers: Record<string, string>; body: string | null };
  envelope: Record<string, unknown>;
  signingInput: string;
  signingInputHex: string;
  /** The signed answer inside an answer request. */
  answer?: { object: Record<string, unknown>; signingInput: string; signingInputHex: string; signature: string };
  /** What a server in the vectors' state answers (valid requests). */
  response?: { status: number; body: Record<string, unknown> };
  /** How a server refuses it (invalid requests). */
  expect?: { status: number; error: string };
}

export type PrivateJwk = { kty: 'EC'; crv: 'P-256'; x: string; y: string; d: string };

export interface ProtocolVectors {
  protocolVersion: number;
  keys: { device: PrivateJwk; other: PrivateJwk };
  server: {
    now: number;
    basePath: string;
    issuer: string;
    accountName: string;
    activationId: string;
    activationCode: string;
    totpSeedHex: string;
    challenge: { id: string; number: string; createdAt: number; expiresAt: number; context: { ip: string | null; userAgent: string | null; time: number } };
  };
  enrollmentUri: string;
  requests: RequestVector[];
  invalid: RequestVector[];
  canonicalJson: {
    valid: Array<{ name: string; json: string; canonical: string; canonicalHex: string }>;
    invalid: Array<{ name: string; json: string }>;
  };
}

/** docs/push-protocol/vectors.json, as a third-party implementer reads it. */
export function loadVectors(): ProtocolVectors {
  return JSON.parse(readFileSync(join(PROTOCOL_DOCS, 'vectors.json'), 'utf8')) as ProtocolVectors;
}

/** The vector request named `name` (valid or invalid). */
export function vectorNamed(v: ProtocolVectors, name: string): RequestVector {
  const found = [...v.requests, ...v.invalid].find((r) => r.name === name);
  if (!found) throw new Error(`no vector named ${name}`);
  return found;
}

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** The vector key as a WebCrypto pair (private key non-extractable, as a device keeps it). */
export async function importVectorKey(jwk: PrivateJwk): Promise<CryptoKeyPair> {
  const { d: _d, ...publicJwk } = jwk;
  return {
    privateKey: await crypto.subtle.importKey('jwk', jwk, ECDSA, false, ['sign']),
    publicKey: await crypto.subtle.importKey('jwk', publicJwk, ECDSA, true, ['verify']),
  };
}
