import { fromBase64url, toBase64url } from '../../authenticator/base64url.js';
import { newNonce, signedRequestInit, signText } from '../../authenticator/device-request.js';
import type { DeviceRequest } from '../../authenticator/device-request.js';
import { canonicalJson } from '../../push/canonical-json.js';
import { PROTOCOL_VERSION } from '../../push/protocol-version.js';

/** One request the conformance check sent and what came back. */
export interface Exchange {
  url: string;
  init: { method: string; headers: Record<string, string>; body?: string };
  status: number;
  /** The JSON body, or {} when the response had none or it was not JSON. */
  body: Record<string, unknown>;
  /** Milliseconds from sending to the end of the response. */
  elapsedMs: number;
}

/** A request to send, with the ways the checks bend the protocol's rules. */
export interface DeviceSend {
  method: DeviceRequest['method'];
  path: string;
  body?: unknown;
  /** @default the device's id (null: none, as on activation) */
  deviceId?: string | null;
  /** @default now */
  timestamp?: number;
  /** @default PROTOCOL_VERSION; null sends none */
  version?: number | null;
  /** Sign with this key instead of the device's. */
  key?: CryptoKey;
  /** Send the signature DER-encoded instead of IEEE P1363. */
  der?: boolean;
  /** Send without X-MFA-Signature. */
  unsigned?: boolean;
  /** Send to this path instead of the signed one. */
  sendPath?: string;
}

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/**
 * A device made for one conformance run: a fresh P-256 key kept in memory, and signed requests
 * that can be bent (other key, DER, stale time, no version, another path) to check refusals.
 */
export class ConformanceDevice {
  deviceId: string | null = null;

  private constructor(
    readonly origin: string,
    readonly keys: CryptoKeyPair,
    readonly publicKey: { kty: string; crv: string; x: string; y: string },
    private readonly crypto: Crypto,
    private readonly fetch: typeof globalThis.fetch,
    private readonly clock: () => number,
  ) {}

  static async create(o: { origin: string; crypto: Crypto; fetch: typeof globalThis.fetch; clock: () => number }): Promise<ConformanceDevice> {
    const keys = (await o.crypto.subtle.generateKey(ECDSA, true, ['sign', 'verify'])) as CryptoKeyPair;
    const { kty, crv, x, y } = await o.crypto.subtle.exportKey('jwk', keys.publicKey);
    return new ConformanceDevice(o.origin, keys, { kty: kty!, crv: crv!, x: x!, y: y! }, o.crypto, o.fetch, o.clock);
  }

  /** Another key pair on the same curve (for "signed by another key"). */
  async otherKey(): Promise<CryptoKeyPair> {
    return (await this.crypto.subtle.generateKey(ECDSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  }

  async send(r: DeviceSend): Promise<Exchange> {
    const init = await signedRequestInit(this.crypto, r.key ?? this.keys.privateKey, {
      method: r.method,
      path: r.path,
      deviceId: r.deviceId === undefined ? this.deviceId : r.deviceId,
      body: r.body ?? null,
      timestamp: r.timestamp ?? this.clock(),
      nonce: newNonce(this.crypto),
      version: r.version,
    });
    if (r.der) init.headers['x-mfa-signature'] = p1363ToDer(init.headers['x-mfa-signature']!);
    if (r.unsigned) delete init.headers['x-mfa-signature'];
    return this.exchange(this.origin + (r.sendPath ?? r.path), init);
  }

  /** Sends exactly the same HTTP request again (same nonce, same signature). */
  replay(previous: Exchange): Promise<Exchange> {
    return this.exchange(previous.url, previous.init);
  }

  /** A signed answer body for `challengeId` (section 4.2), optionally signed with another key or DER-encoded. */
  async answerBody(answer: Record<string, unknown>, o: { key?: CryptoKey; der?: boolean } = {}): Promise<Record<string, unknown>> {
    const full = { v: PROTOCOL_VERSION, deviceId: this.deviceId, timestamp: this.clock(), ...answer };
    const signature = await signText(this.crypto, o.key ?? this.keys.privateKey, canonicalJson(full));
    return { v: PROTOCOL_VERSION, answer: full, signature: o.der ? p1363ToDer(signature) : signature };
  }

  private async exchange(url: string, init: Exchange['init']): Promise<Exchange> {
    const started = this.clock();
    const response = await this.fetch(url, init);
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      // Not JSON: the checks report the status and the missing members.
    }
    return { url, init, status: response.status, body, elapsedMs: this.clock() - started };
  }
}

/** The same ECDSA signature in ASN.1 DER (SEQUENCE of two INTEGERs), the encoding the protocol refuses. */
export function p1363ToDer(signature: string): string {
  const raw = fromBase64url(signature);
  const integer = (bytes: Uint8Array): number[] => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const trimmed = [...bytes.subarray(start)];
    return trimmed[0]! & 0x80 ? [0, ...trimmed] : trimmed;
  };
  const r = integer(raw.subarray(0, 32));
  const s = integer(raw.subarray(32));
  const sequence = [0x02, r.length, ...r, 0x02, s.length, ...s];
  return toBase64url(new Uint8Array([0x30, sequence.length, ...sequence]));
}
