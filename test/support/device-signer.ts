import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import { newNonce, signedRequestInit, signText } from '../../src/authenticator/device-request.js';
import { canonicalJson } from '../../src/push/canonical-json.js';
import { PROTOCOL_VERSION } from '../../src/push/protocol-version.js';

/** Signs text with a device key as the protocol does (ECDSA P-256, SHA-256, P1363, base64url). */
export const sign = (key: CryptoKey, text: string): Promise<string> => signText(crypto, key, text);

export interface RawRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  /** @default account.deviceId */
  deviceId?: string | null;
  timestamp: number;
  /** @default a fresh random nonce */
  nonce?: string;
  /** X-MFA-Version; null sends none, as clients older than the version field did. @default PROTOCOL_VERSION */
  version?: number | null;
  /** Sign with this key instead of the account's. */
  key?: CryptoKey;
  /** Change the body after signing (tampering). */
  sendBody?: unknown;
  /** Send to this path instead of the signed one (tampering). */
  sendPath?: string;
}

/** Sends a hand-built signed device request, for tests that bend the protocol's rules. */
export async function sendRaw(origin: string, account: AuthenticatorAccount, r: RawRequest): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> {
  const deviceId = r.deviceId === undefined ? account.deviceId : r.deviceId;
  const init = await signedRequestInit(crypto, r.key ?? account.privateKey, {
    method: r.method, path: r.path, deviceId, body: r.body ?? null, timestamp: r.timestamp, nonce: r.nonce ?? newNonce(crypto), version: r.version,
  });
  if (r.sendBody !== undefined) {
    init.body = r.sendBody === null ? undefined : JSON.stringify(r.sendBody);
    if (r.sendBody === null) delete init.headers['content-type'];
    else init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(origin + (r.sendPath ?? r.path), init);
  const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, body: answer, retryAfter: res.headers.get('retry-after') };
}

/** A signed answer body for a challenge, as the client library builds it (`version: null`: as clients older than the version field). */
export async function answerBody(
  account: AuthenticatorAccount,
  a: { challengeId: string; decision: string; number?: string | null; timestamp: number; pin?: string | null; version?: number | null },
  key?: CryptoKey,
) {
  const version = a.version === undefined ? PROTOCOL_VERSION : a.version;
  const answer: Record<string, unknown> = { challengeId: a.challengeId, decision: a.decision, deviceId: account.deviceId, timestamp: a.timestamp };
  if (version !== null) answer.v = version;
  if (a.number !== undefined) answer.number = a.number;
  if (a.pin !== undefined) answer.pin = a.pin;
  const signature = await sign(key ?? account.privateKey, canonicalJson(answer));
  return version === null ? { answer, signature } : { v: version, answer, signature };
}
