import { canonicalJson } from './canonical-json.js';

/** What a device request's signature covers (docs/push-protocol.md §2). */
export interface RequestEnvelope {
  /** The X-MFA-Version header as a number; null when the request has none (then the envelope has no `v`). */
  v: number | null;
  method: string;
  /** Absolute path plus query string, as sent on the wire. */
  path: string;
  deviceId: string | null;
  timestamp: number;
  nonce: string;
  /** The parsed JSON body, or null. */
  body: unknown;
}

/**
 * The signature input of a device request: the RFC 8785 canonical JSON of
 * { v, method, path, deviceId, timestamp, nonce, body }. Shared by the server and the clients so
 * both build the same bytes. No Node or DOM imports: the browser client uses it.
 */
export function requestSigningInput(e: RequestEnvelope): string {
  const envelope = { method: e.method.toUpperCase(), path: e.path, deviceId: e.deviceId, timestamp: e.timestamp, nonce: e.nonce, body: e.body ?? null };
  return canonicalJson(e.v === null ? envelope : { v: e.v, ...envelope });
}
