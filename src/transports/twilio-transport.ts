import type { SmsMessage, SmsTransport, VoiceCall } from './sms-transport.js';

export interface TwilioTransportOptions {
  /** Twilio Account SID ('AC…'). Required. */
  accountSid: string;
  /** Twilio Auth Token (or an API key secret with `username` set to the key SID). Required. */
  authToken: string;
  /** Sending number in E.164, e.g. '+15005550006'. Required. */
  from: string;
  /** HTTP Basic user name when using an API key instead of the account's token. @default accountSid */
  username?: string;
  /** @default 'https://api.twilio.com' (tests point it at a local stub) */
  baseUrl?: string;
  /** How long one request may take, in ms. @default 10000 */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Sends through Twilio's REST API directly (no SDK): `POST /2010-04-01/Accounts/{Sid}/Messages.json`
 * with To, From, Body, and `Calls.json` with To, From, Twiml, authenticated with HTTP Basic.
 * No retries: Twilio may have accepted a request whose answer was lost, and a second SMS costs money.
 */
export class TwilioTransport implements SmsTransport {
  readonly #base: string;
  readonly #auth: string;
  readonly #from: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: TwilioTransportOptions) {
    for (const key of ['accountSid', 'authToken', 'from'] as const) {
      if (typeof options[key] !== 'string' || options[key].length === 0) throw new TypeError(`TwilioTransport: \`${key}\` is required.`);
    }
    const base = new URL(options.baseUrl ?? 'https://api.twilio.com');
    this.#base = `${base.origin}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}`;
    this.#auth = 'Basic ' + Buffer.from(`${options.username ?? options.accountSid}:${options.authToken}`).toString('base64');
    this.#from = options.from;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  sendSms(message: SmsMessage): Promise<void> {
    return this.#post('Messages.json', { To: message.to, From: this.#from, Body: message.body });
  }

  makeCall(call: VoiceCall): Promise<void> {
    return this.#post('Calls.json', { To: call.to, From: this.#from, Twiml: `<Response><Say>${escapeXml(call.say)}</Say></Response>` });
  }

  async #post(resource: string, fields: Record<string, string>): Promise<void> {
    const res = await this.#fetch(`${this.#base}/${resource}`, {
      method: 'POST',
      headers: { authorization: this.#auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(fields).toString(),
      signal: AbortSignal.timeout(this.#timeoutMs),
      redirect: 'error',
    });
    const text = await res.text();
    if (res.ok) return;
    let detail = '';
    try {
      const parsed = JSON.parse(text) as { code?: unknown; message?: unknown };
      detail = `: Twilio error ${String(parsed.code)} ${String(parsed.message)}`;
    } catch {
      // Not Twilio's JSON error body (a proxy page, say): the status alone has to do.
    }
    throw new Error(`TwilioTransport: ${resource} answered HTTP ${res.status}${detail}`);
  }
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
