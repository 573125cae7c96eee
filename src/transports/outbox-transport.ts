import type { SmsMessage, SmsTransport, VoiceCall } from './sms-transport.js';

/** One message or call the outbox kept. */
export interface OutboxEntry {
  kind: 'sms' | 'voice';
  to: string;
  /** The SMS text, or what the call would say. */
  body: string;
  at: number;
}

export interface OutboxTransportOptions {
  /** How many entries are kept; older ones are dropped. @default 100 */
  limit?: number;
  /** Clock in ms since the epoch. @default Date.now */
  clock?: () => number;
}

/**
 * For development and tests: sends nothing, keeps messages in memory so a page (the example
 * app's /outbox) can show them. Never use it in production: anyone who can read the outbox
 * can read every code.
 */
export class OutboxTransport implements SmsTransport {
  readonly #entries: OutboxEntry[] = [];
  readonly #limit: number;
  readonly #clock: () => number;

  constructor(options: OutboxTransportOptions = {}) {
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError('OutboxTransport: `limit` must be a positive integer.');
    this.#limit = limit;
    this.#clock = options.clock ?? Date.now;
  }

  async sendSms(message: SmsMessage): Promise<void> {
    this.#add({ kind: 'sms', to: message.to, body: message.body, at: this.#clock() });
  }

  async makeCall(call: VoiceCall): Promise<void> {
    this.#add({ kind: 'voice', to: call.to, body: call.say, at: this.#clock() });
  }

  /** The kept entries, newest first (copies). */
  entries(): OutboxEntry[] {
    return this.#entries.map((e) => ({ ...e }));
  }

  #add(entry: OutboxEntry): void {
    this.#entries.unshift(entry);
    this.#entries.length = Math.min(this.#entries.length, this.#limit);
  }
}
