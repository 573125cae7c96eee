import { toBase64url } from '../../src/authenticator/base64url.js';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import { canonicalJson } from '../../src/push/canonical-json.js';

/** Signs text with a device key as the protocol does (ECDSA P-256, SHA-256, P1363, base64url). */
export async function sign(key: CryptoKey, text: string): Promise<string> {
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(text));
  return toBase64url(new Uint8Array(signature));
}

export interface RawRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  /** @default account.deviceId */
  deviceId?: string | null;
  timestamp: number;
  /** @default a fresh random nonce */
  nonce?: string;
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
  const nonce = r.nonce ?? toBase64url(crypto.getRandomValues(new Uint8Array(16)));
  const body = r.body ?? null;
  const input = canonicalJson({ method: r.method, path: r.path, deviceId, timestamp: r.timestamp, nonce, body });
  const headers: Record<string, string> = {
    accept: 'application/json',
    'x-mfa-timestamp': String(r.timestamp),
    'x-mfa-nonce': nonce,
    'x-mfa-signature': await sign(r.key ?? account.privateKey, input),
  };
  if (deviceId !== null) headers['x-mfa-device'] = deviceId;
  const sent = r.sendBody === undefined ? body : r.sendBody;
  if (sent !== null) headers['content-type'] = 'application/json';
  const res = await fetch(origin + (r.sendPath ?? r.path), { method: r.method, headers, body: sent === null ? undefined : JSON.stringify(sent) });
  const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, body: answer, retryAfter: res.headers.get('retry-after') };
}

/** A signed answer body for a challenge, as the client library builds it. */
export async function answerBody(account: AuthenticatorAccount, a: { challengeId: string; decision: string; number: string | null; timestamp: number; pin?: string }, key?: CryptoKey) {
  const answer: Record<string, unknown> = { challengeId: a.challengeId, decision: a.decision, number: a.number, deviceId: account.deviceId, timestamp: a.timestamp };
  if (a.pin !== undefined) answer.pin = a.pin;
  return { answer, signature: await sign(key ?? account.privateKey, canonicalJson(answer)) };
}
