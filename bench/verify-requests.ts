import type autocannon from 'autocannon';
import { totpCode } from '../test/support/mfa-flow.js';
import { PERIOD_MS, requestStep } from './verify-protocol.js';
import type { SeededSession, VerifyServerMessage } from './verify-protocol.js';

/** What a browser sends with every form post besides its cookie and body (Chromium's headers). */
const BROWSER_HEADERS = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'accept-language': 'en-US,en;q=0.9',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
};

/**
 * The verification requests of one system, users in turn: each takes a seeded half-signed-in
 * session of its user and that user's code, of the counted clock's step for that request (see
 * verify-protocol.ts) or of the current real step.
 */
export class VerifyRequests {
  readonly #target: Extract<VerifyServerMessage, { type: 'ready' }>;
  readonly #origin: number;
  #queues: SeededSession[][] = [];
  /** Requests built so far: the counted clock's server counts the same requests. */
  sent = 0;
  /** Requests sent without a seeded session left for their user. */
  exhausted = 0;

  constructor(target: Extract<VerifyServerMessage, { type: 'ready' }>, origin: number) {
    this.#target = target;
    this.#origin = origin;
  }

  /** Replaces the sessions left (older ones may have expired) with these. */
  refill(sessions: SeededSession[]): void {
    this.#queues = this.#target.secrets.map(() => []);
    for (const s of sessions) this.#queues[s.user]!.push(s);
  }

  /** autocannon's request descriptor: every request built by next(). */
  descriptor(): autocannon.Request {
    const { body, headers } = this.#target;
    const common = { ...BROWSER_HEADERS, 'content-type': body === 'json' ? 'application/json' : 'application/x-www-form-urlencoded', ...headers };
    return {
      method: 'POST',
      setupRequest: (req) => {
        const next = this.next();
        return { ...req, headers: { ...common, cookie: next.cookie }, body: next.body };
      },
    };
  }

  next(): { cookie: string; body: string } {
    const k = this.sent++;
    const { secrets, clock } = this.#target;
    const user = k % secrets.length;
    const step = clock === 'counted' ? requestStep(this.#origin, k) : Math.floor(Date.now() / PERIOD_MS);
    const session = this.#queues[user]!.pop();
    if (!session) {
      // Still sent (the server counts it) and answered as a failure: the run is then invalid.
      this.exhausted++;
      return { cookie: '', body: '' };
    }
    const fields = { ...session.fields, code: totpCode(secrets[user]!, step * PERIOD_MS) };
    return { cookie: session.cookie, body: this.#target.body === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString() };
  }
}
