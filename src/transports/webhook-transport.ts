import { createHmac, randomUUID } from 'node:crypto';
import type { SmsMessage, SmsTransport, VoiceCall } from './sms-transport.js';

export interface WebhookTransportOptions {
  /** Where each message is POSTed as JSON. Use https outside development. Required. */
  url: string;
  /** Key for the HMAC-SHA-256 signature the receiver checks; at least 32 bytes of randomness. Required. */
  secret: string | Buffer;
  /** How long one attempt may take, in ms. @default 5000 */
  timeoutMs?: number;
  /** Further attempts after a network error, timeout or 5xx answer (never after a 4xx). @default 2 */
  retries?: number;
  /** Wait before the first retry, in ms; doubled before each further one. @default 250 */
  backoffMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Clock in ms since the epoch, for the signed timestamp. @default Date.now */
  clock?: () => number;
  /** Waits between attempts; injectable so tests do not wait. @default setTimeout-based */
  sleep?: (ms: number) => Promise<void>;
  /** Makes the per-attempt abort signal; injectable so tests need no real timeout. @default AbortSignal.timeout */
  timeoutSignal?: (ms: number) => AbortSignal;
}

/** The JSON body of each webhook request. */
export type WebhookPayload =
  | { id: string; type: 'sms'; to: string; body: string }
  | { id: string; type: 'voice'; to: string; say: string };

export const SIGNATURE_HEADER = 'x-mfa-signature';
export const TIMESTAMP_HEADER = 'x-mfa-timestamp';

/**
 * Hands messages to the host's own sender over HTTP. Each request carries
 * `X-Mfa-Timestamp: <unix seconds>` and `X-Mfa-Signature: v1=<hex HMAC-SHA-256 of "<timestamp>.<body>">`;
 * the receiver recomputes it, compares in constant time and rejects old timestamps (replays).
 * Retries reuse the same `id` (also sent as Idempotency-Key) so the receiver can drop duplicates.
 */
export class WebhookTransport implements SmsTransport {
  readonly #o: Required<WebhookTransportOptions>;

  constructor(options: WebhookTransportOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('WebhookTransport: `url` must be http(s).');
    if (!options.secret || Buffer.byteLength(options.secret) < 16) {
      throw new TypeError('WebhookTransport: `secret` is required (at least 16 bytes; 32 random bytes recommended).');
    }
    const retries = options.retries ?? 2;
    if (!Number.isInteger(retries) || retries < 0 || retries > 5) throw new TypeError('WebhookTransport: `retries` must be 0 to 5.');
    this.#o = {
      url: url.href,
      secret: options.secret,
      timeoutMs: options.timeoutMs ?? 5000,
      retries,
      backoffMs: options.backoffMs ?? 250,
      fetch: options.fetch ?? globalThis.fetch,
      clock: options.clock ?? Date.now,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      timeoutSignal: options.timeoutSignal ?? ((ms) => AbortSignal.timeout(ms)),
    };
  }

  sendSms(message: SmsMessage): Promise<void> {
    return this.#deliver({ id: randomUUID(), type: 'sms', to: message.to, body: message.body });
  }

  makeCall(call: VoiceCall): Promise<void> {
    return this.#deliver({ id: randomUUID(), type: 'voice', to: call.to, say: call.say });
  }

  async #deliver(payload: WebhookPayload): Promise<void> {
    const body = JSON.stringify(payload);
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.#o.retries; attempt++) {
      if (attempt > 0) await this.#o.sleep(this.#o.backoffMs * 2 ** (attempt - 1));
      let status: number;
      try {
        const res = await this.#o.fetch(this.#o.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': payload.id, ...signatureHeaders(this.#o.secret, body, this.#o.clock()) },
          body,
          signal: this.#o.timeoutSignal(this.#o.timeoutMs),
          redirect: 'error',
        });
        await res.arrayBuffer().catch(() => undefined);
        status = res.status;
      } catch (error) {
        lastError = error;
        continue;
      }
      if (status >= 200 && status < 300) return;
      lastError = new Error(`webhook answered HTTP ${status}`);
      if (status < 500) break;
    }
    throw new Error(`WebhookTransport: delivery failed: ${lastError instanceof Error ? lastError.message : String(lastError)}`, { cause: lastError });
  }
}

/** The headers that sign `body` at `nowMs`; exported so receivers and tests compute the same thing. */
export function signatureHeaders(secret: string | Buffer, body: string, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `v1=${mac}` };
}
