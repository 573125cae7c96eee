import type { Agent } from 'node:https';
import { createRequire } from 'node:module';
import { ConfigurationError } from '../errors.js';
import type { PushSubscriptionRecord } from '../stores/push-records.js';
import { DEFAULT_PUSH_HOSTS, endpointHostAllowed, parseAllowedHosts } from './push-host-allow-list.js';
import type { PushMessage, PushSendResult, PushSender } from './push-sender.js';

/** The part of the `web-push` package this sender uses (injectable for tests). */
export interface WebPushModule {
  sendNotification(
    subscription: { endpoint: string; keys: { p256dh: string; auth: string } },
    payload: string,
    options: {
      vapidDetails: { subject: string; publicKey: string; privateKey: string };
      TTL: number;
      timeout: number;
      urgency: 'high';
      topic: string;
      contentEncoding: 'aes128gcm';
      agent?: Agent;
    },
  ): Promise<{ statusCode: number }>;
}

export interface WebPushSenderOptions {
  /** VAPID public key, base64url (65 bytes, from `npx web-push generate-vapid-keys`). */
  vapidPublicKey: string;
  /** VAPID private key, base64url (32 bytes). Keep it secret, like secretKey. */
  vapidPrivateKey: string;
  /** Who push services can contact about your messages: 'mailto:ops@example.com' or an https: URL. */
  subject: string;
  /** How long a push service may hold an undelivered message, in seconds (0 to 600). @default 120 */
  ttlSeconds?: number;
  /** Give up on the push service after this long, in ms (100 to 60000). @default 10000 */
  timeoutMs?: number;
  /** The `web-push` module; by default imported the first time a message is sent. */
  webPush?: WebPushModule;
  /** HTTPS agent for the requests to push services (e.g. one that trusts a test CA). */
  agent?: Agent;
  /**
   * Hosts that subscription endpoints may point to; any other endpoint is refused when a device
   * registers it and skipped when sending, so devices cannot make the server send requests to
   * internal hosts (SSRF). Entries match exactly and case-insensitively; `*.domain` matches any
   * host below domain (whole labels). IP addresses match only when listed exactly.
   * @default ['fcm.googleapis.com', 'updates.push.services.mozilla.com', 'web.push.apple.com', '*.notify.windows.com']
   */
  allowedHosts?: readonly string[];
}

const KEY_HELP = 'generate a pair with `npx web-push generate-vapid-keys` and pass both keys as printed';
// Collapses messages that were not delivered yet: a phone that comes back online gets one wake-up.
const TOPIC = 'mfa-challenge';

/**
 * PushSender over Web Push with VAPID (RFC 8030, 8291, 8292) through the optional `web-push`
 * package. Payloads are encrypted (aes128gcm) for the subscription's keys and say only that a
 * request is waiting (see PushMessage).
 */
export class WebPushSender implements PushSender {
  readonly #options: ReturnType<typeof resolveSenderOptions>;
  #module: Promise<WebPushModule> | null;

  constructor(options: WebPushSenderOptions) {
    this.#options = resolveSenderOptions(options);
    this.#module = options.webPush ? Promise.resolve(options.webPush) : null;
    if (!options.webPush) assertInstalled();
  }

  allowsEndpoint(endpoint: string): boolean {
    return endpointHostAllowed(endpoint, this.#options.allowedHosts);
  }

  async send(subscription: PushSubscriptionRecord, message: PushMessage): Promise<PushSendResult> {
    if (!this.allowsEndpoint(subscription.endpoint)) throw new Error('WebPushSender: endpoint host is not in allowedHosts');
    const webPush = await (this.#module ??= loadWebPush());
    const o = this.#options;
    try {
      await webPush.sendNotification(
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        JSON.stringify({ v: message.v, type: message.type, deviceId: message.deviceId }),
        {
          vapidDetails: { subject: o.subject, publicKey: o.vapidPublicKey, privateKey: o.vapidPrivateKey },
          TTL: o.ttlSeconds,
          timeout: o.timeoutMs,
          urgency: 'high',
          topic: TOPIC,
          contentEncoding: 'aes128gcm',
          ...(o.agent ? { agent: o.agent } : {}),
        },
      );
      return 'sent';
    } catch (error) {
      // RFC 8030 §6.2: 404 and 410 mean the subscription expired or was unsubscribed.
      const status = (error as { statusCode?: unknown }).statusCode;
      if (status === 404 || status === 410) return 'gone';
      throw error;
    }
  }
}

const NOT_INSTALLED = 'WebPushSender: the optional package "web-push" is not installed; run `npm install web-push@^3.6.0`';

/** Fails at startup, not at the first sign-in, when the package is missing (resolving loads nothing). */
function assertInstalled(): void {
  try {
    createRequire(import.meta.url).resolve('web-push');
  } catch {
    throw new ConfigurationError(`${NOT_INSTALLED} (or pass \`webPush\`)`);
  }
}

async function loadWebPush(): Promise<WebPushModule> {
  try {
    // A variable specifier keeps TypeScript from resolving the optional peer at build time.
    const name = 'web-push';
    const loaded = (await import(name)) as { default?: WebPushModule } & WebPushModule;
    return loaded.default ?? loaded;
  } catch (error) {
    throw new ConfigurationError(`${NOT_INSTALLED} (${(error as Error).message})`);
  }
}

function resolveSenderOptions(o: WebPushSenderOptions) {
  const problems: string[] = [];
  if (typeof o !== 'object' || o === null) throw new ConfigurationError(`WebPushSender: options are required (vapidPublicKey, vapidPrivateKey, subject); ${KEY_HELP}`);
  if (!isKey(o.vapidPublicKey, 65) || Buffer.from(o.vapidPublicKey, 'base64url')[0] !== 4) {
    problems.push(`vapidPublicKey: must be a base64url P-256 public key (87 characters); ${KEY_HELP}`);
  }
  if (!isKey(o.vapidPrivateKey, 32)) problems.push(`vapidPrivateKey: must be a base64url P-256 private key (43 characters); ${KEY_HELP}`);
  if (typeof o.subject !== 'string' || !/^(mailto:[^\s@]+@[^\s@]+|https:\/\/[^\s/]+(\/\S*)?)$/.test(o.subject)) {
    problems.push('subject: must be a "mailto:" address or an "https:" URL where push services can reach you, e.g. "mailto:ops@example.com"');
  }
  const ttlSeconds = o.ttlSeconds ?? 120;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 0 || ttlSeconds > 600) problems.push('ttlSeconds: must be an integer from 0 to 600 (a sign-in request is short-lived)');
  const timeoutMs = o.timeoutMs ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) problems.push('timeoutMs: must be an integer from 100 to 60000');
  const allowedHosts = o.allowedHosts === undefined ? DEFAULT_PUSH_HOSTS : parseAllowedHosts(o.allowedHosts);
  if (typeof allowedHosts === 'string') problems.push(`allowedHosts: ${allowedHosts}`);
  if (o.webPush !== undefined && typeof o.webPush?.sendNotification !== 'function') problems.push('webPush: must be the web-push module (with sendNotification)');
  if (problems.length > 0) throw new ConfigurationError(`WebPushSender: invalid options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return { vapidPublicKey: o.vapidPublicKey, vapidPrivateKey: o.vapidPrivateKey, subject: o.subject, ttlSeconds, timeoutMs, agent: o.agent, allowedHosts: allowedHosts as readonly string[] };
}

function isKey(value: unknown, bytes: number): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]+$/.test(value) && Buffer.from(value, 'base64url').length === bytes && value.length === Math.ceil((bytes * 4) / 3);
}
