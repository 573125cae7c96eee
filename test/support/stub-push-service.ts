import { createECDH, randomBytes } from 'node:crypto';
import type { ECDH } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, createServer } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../../src/package-root.js';
import type { WebPushModule } from '../../src/push/web-push-sender.js';

const require = createRequire(import.meta.url);
const fixture = (name: string) => readFileSync(join(packageRoot(), 'test/fixtures', name));

/** The real `web-push` package (a devDependency) and `http_ece`, which it uses to encrypt. */
export const webPush = require('web-push') as WebPushModule & { generateVAPIDKeys(): { publicKey: string; privateKey: string } };
const ece = require('http_ece') as { decrypt(body: Buffer, params: { version: string; privateKey: ECDH; authSecret: string }): Buffer };

export interface PushDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A subscription as a browser would make it, with the private half kept to decrypt messages. */
export interface TestSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  decrypt(body: Buffer): string;
}

/** The stub's host: senders that talk to it must list it in `allowedHosts` (it is no real push service). */
export const STUB_PUSH_HOST = '127.0.0.1';

/**
 * A push service on https://127.0.0.1 (self-signed certificate in test/fixtures, trusted only by
 * `agent`) that records what web-push POSTs and answers `status` (default 201). `nextDelivery()`
 * resolves with the next request, so tests wait for it without sleeping.
 */
export async function startStubPushService() {
  const deliveries: PushDelivery[] = [];
  const waiting: Array<(d: PushDelivery) => void> = [];
  const state = { status: 201 };
  const server = createServer({ key: fixture('stub-push-service.key.pem'), cert: fixture('stub-push-service.cert.pem') }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const delivery = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      deliveries.push(delivery);
      res.writeHead(state.status).end();
      waiting.shift()?.(delivery);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, STUB_PUSH_HOST, resolve));
  const origin = `https://${STUB_PUSH_HOST}:${(server.address() as AddressInfo).port}`;
  const agent = new Agent({ ca: fixture('stub-push-service.cert.pem') });

  /** A fresh browser-like subscription on this service. */
  function subscription(): TestSubscription {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16).toString('base64url');
    return {
      endpoint: `${origin}/push/${randomBytes(12).toString('base64url')}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth },
      decrypt: (body) => ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth }).toString('utf8'),
    };
  }

  return {
    origin,
    agent,
    deliveries,
    state,
    subscription,
    nextDelivery: () => new Promise<PushDelivery>((resolve) => waiting.push(resolve)),
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type StubPushService = Awaited<ReturnType<typeof startStubPushService>>;

/** Decodes the VAPID `Authorization: vapid t=<JWT>, k=<key>` header web-push sends. */
export function parseVapidHeader(header: string | undefined): { jwtHeader: Record<string, unknown>; claims: Record<string, unknown>; key: string } {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) throw new Error(`not a VAPID Authorization header: ${header}`);
  const [head, payload] = match[1]!.split('.');
  const decode = (part: string | undefined) => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return { jwtHeader: decode(head), claims: decode(payload), key: match[2]! };
}
