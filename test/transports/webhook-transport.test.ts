import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { WebhookTransport } from '../../src/transports/webhook-transport.js';
import type { WebhookTransportOptions } from '../../src/transports/webhook-transport.js';
import { FakeClock } from '../support/fake-clock.js';
import { startStubServer } from '../support/stub-server.js';

const SECRET = 'webhook-test-secret-0123456789abcdef';

describe('WebhookTransport against a local server', () => {
  let server: Awaited<ReturnType<typeof startStubServer>>;
  let statuses: number[];
  let hang: (() => void) | null;
  const clock = new FakeClock();
  let sleeps: number[];

  before(async () => {
    server = await startStubServer((req, res) => {
      if (hang) {
        hang();
        return; // never answers: only the abort signal ends this attempt
      }
      res.writeHead(statuses.shift() ?? 204).end();
    });
  });
  after(async () => server.close());
  beforeEach(() => {
    server.received.length = 0;
    statuses = [];
    hang = null;
    sleeps = [];
  });

  const transport = (overrides: Partial<WebhookTransportOptions> = {}) =>
    new WebhookTransport({
      url: `${server.url}/hooks/sms`, secret: SECRET, clock: clock.now,
      sleep: async (ms) => void sleeps.push(ms), ...overrides,
    });

  // Attack: forged or replayed webhook requests to the host's sender.
  it('POSTs JSON signed with HMAC-SHA-256 over "<timestamp>.<body>"', async () => {
    await transport().sendSms({ to: '+12015550123', body: '123456 is your code' });
    const [req] = server.received;
    assert.equal(req!.method, 'POST');
    assert.equal(req!.url, '/hooks/sms');
    assert.equal(req!.headers['content-type'], 'application/json');
    const payload = JSON.parse(req!.body) as Record<string, unknown>;
    assert.deepEqual({ ...payload, id: 'x' }, { id: 'x', type: 'sms', to: '+12015550123', body: '123456 is your code' });
    assert.equal(req!.headers['idempotency-key'], payload.id);
    const timestamp = req!.headers['x-mfa-timestamp'] as string;
    assert.equal(timestamp, String(Math.floor(clock.now() / 1000)));
    const expected = 'v1=' + createHmac('sha256', SECRET).update(`${timestamp}.${req!.body}`).digest('hex');
    const sent = req!.headers['x-mfa-signature'] as string;
    assert.ok(sent.length === expected.length && timingSafeEqual(Buffer.from(sent), Buffer.from(expected)));
  });

  it('sends calls as type "voice" with the text to say', async () => {
    await transport().makeCall({ to: '+12015550123', say: 'Your code is: 1, 2, 3.' });
    const payload = JSON.parse(server.received[0]!.body) as Record<string, unknown>;
    assert.equal(payload.type, 'voice');
    assert.equal(payload.say, 'Your code is: 1, 2, 3.');
  });

  it('retries 5xx answers with doubling backoff, reusing the same id', async () => {
    statuses = [503, 500, 204];
    await transport().sendSms({ to: '+12015550123', body: 'x' });
    assert.equal(server.received.length, 3);
    assert.deepEqual(sleeps, [250, 500]);
    assert.equal(new Set(server.received.map((r) => r.headers['idempotency-key'])).size, 1);
  });

  it('gives up after the configured retries', async () => {
    statuses = [502, 502, 502, 502];
    await assert.rejects(transport({ retries: 2 }).sendSms({ to: '+1', body: 'x' }), /delivery failed: webhook answered HTTP 502/);
    assert.equal(server.received.length, 3);
  });

  it('never retries a 4xx answer', async () => {
    statuses = [401];
    await assert.rejects(transport().sendSms({ to: '+1', body: 'x' }), /HTTP 401/);
    assert.equal(server.received.length, 1);
    assert.deepEqual(sleeps, []);
  });

  it('aborts an attempt at its timeout and retries it', async () => {
    const controllers: AbortController[] = [];
    const timeouts: number[] = [];
    hang = () => controllers.at(-1)!.abort(new DOMException('timed out', 'TimeoutError'));
    const t = transport({
      retries: 1,
      timeoutMs: 1234,
      timeoutSignal: (ms) => {
        timeouts.push(ms);
        controllers.push(new AbortController());
        return controllers.at(-1)!.signal;
      },
    });
    await assert.rejects(t.sendSms({ to: '+1', body: 'x' }), /delivery failed: timed out/);
    assert.deepEqual(timeouts, [1234, 1234]);
    assert.equal(server.received.length, 2);
  });

  it('retries network errors', async () => {
    const closed = await startStubServer(() => {});
    const url = closed.url;
    await closed.close();
    await assert.rejects(transport({ url, retries: 2 }).sendSms({ to: '+1', body: 'x' }), /delivery failed/);
    assert.deepEqual(sleeps, [250, 500]);
  });

  it('refuses bad configuration', () => {
    assert.throws(() => new WebhookTransport({ url: 'ftp://example.com', secret: SECRET }), /http\(s\)/);
    assert.throws(() => new WebhookTransport({ url: 'https://example.com', secret: 'short' }), /secret/);
    assert.throws(() => new WebhookTransport({ url: 'https://example.com', secret: SECRET, retries: 9 }), /retries/);
  });
});
