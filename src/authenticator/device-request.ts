import { PROTOCOL_VERSION, VERSION_HEADER } from '../push/protocol-version.js';
import { requestSigningInput } from '../push/request-signing-input.js';
import { toBase64url } from './base64url.js';

const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** One device API request before signing (docs/push-protocol.md §2). */
export interface DeviceRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Absolute path plus query string, exactly as it will be on the wire. */
  path: string;
  /** null on the activation request. */
  deviceId: string | null;
  /** The JSON body, or null for none. */
  body: unknown;
  timestamp: number;
  nonce: string;
  /** The X-MFA-Version header; null sends none, as clients older than the field did. @default PROTOCOL_VERSION */
  version?: number | null;
}

/** ECDSA P-256/SHA-256 over the UTF-8 bytes of `text`, base64url; WebCrypto's signature is already IEEE P1363 (r‖s). */
export async function signText(crypto: Crypto, key: CryptoKey, text: string): Promise<string> {
  return toBase64url(new Uint8Array(await crypto.subtle.sign(SIGN, key, new TextEncoder().encode(text))));
}

/** A fresh X-MFA-Nonce: 128 random bits, base64url. */
export function newNonce(crypto: Crypto): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(16)));
}

/** The fetch() init of a signed device request: headers (X-MFA-*) and the JSON body. */
export async function signedRequestInit(crypto: Crypto, key: CryptoKey, r: DeviceRequest): Promise<{ method: string; headers: Record<string, string>; body?: string }> {
  const version = r.version === undefined ? PROTOCOL_VERSION : r.version;
  const input = requestSigningInput({ v: version, method: r.method, path: r.path, deviceId: r.deviceId, timestamp: r.timestamp, nonce: r.nonce, body: r.body });
  const headers: Record<string, string> = {
    accept: 'application/json',
    'x-mfa-timestamp': String(r.timestamp),
    'x-mfa-nonce': r.nonce,
    'x-mfa-signature': await signText(crypto, key, input),
  };
  if (version !== null) headers[VERSION_HEADER.toLowerCase()] = String(version);
  if (r.deviceId !== null) headers['x-mfa-device'] = r.deviceId;
  if (r.body === null) return { method: r.method, headers };
  headers['content-type'] = 'application/json';
  return { method: r.method, headers, body: JSON.stringify(r.body) };
}
