import { z } from 'zod';
import { ConfigurationError } from '../errors.js';
import { isPushSender } from './push-sender.js';
import type { PushSender } from './push-sender.js';
import type { Wakeup } from '../transports/wakeup.js';

/** Mobile app → Notification. Each field lists its default. */
export interface PushOptions {
  /** Offer "Notification" on the setup page. @default true */
  enabled?: boolean;
  /** Require a PIN (chosen during setup, typed on the device) for every approval. @default false */
  requirePin?: boolean;
  /** PIN length in digits when required, 4 to 12. @default 6 */
  pinLength?: number;
  /** Send the notification as soon as the verify page opens, without "Contact me". @default false */
  autoSend?: boolean;
  /** How long the activation code shown at setup stays valid, in ms (1 min to 1 h). @default 600000 (10 minutes) */
  activationTtlMs?: number;
  /** How long a notification can be answered, in ms (30 s to 10 min). @default 120000 (2 minutes) */
  challengeTtlMs?: number;
  /** Push-bombing budget: at most `max` notifications per user per `windowMs`. @default { max: 5, windowMs: 600000 } */
  budget?: { max?: number; windowMs?: number };
  /** After `denials` denials within `windowMs`, no notifications for `cooldownMs`. @default { denials: 3, windowMs: 600000, cooldownMs: 600000 } */
  denialCooldown?: { denials?: number; windowMs?: number; cooldownMs?: number };
  /** After "This wasn't me", no notifications for this user for this long, in ms. @default 86400000 (24 hours) */
  fraudBlockMs?: number;
  /** Consecutive wrong PINs after which the device is disabled until set up again. @default 10 */
  maxPinFailures?: number;
  /**
   * The origin phones reach this app at, put into the activation URL and QR code, e.g.
   * 'https://app.example'. The request's Host header never picks it (anyone can send any Host).
   * Required in production (NODE_ENV=production) unless `allowedOrigins` is set: a
   * ConfigurationError at startup otherwise. @default none (see allowedOrigins)
   */
  publicOrigin?: string;
  /**
   * Without `publicOrigin`: the origins the request's own (its protocol, honouring Express
   * `trust proxy`, and its Host header) may be, e.g. ['https://app.example', 'https://www.app.example'].
   * A request for any other origin gets 400 `untrusted_host` instead of a setup page.
   * @default in development, loopback origins only (http(s)://localhost, 127.0.0.1, [::1], any port)
   */
  allowedOrigins?: string[];
  /**
   * A waiting browser's result stream and a device's long-poll re-read the store this often even
   * without a wake-up, in ms (0.5 to 25 s), so a wake-up that never arrives (another instance
   * without a shared `wakeup`, a lost message) costs at most this long; while a shared `wakeup`
   * is disconnected they re-read every second. @default 2000
   */
  pollIntervalMs?: number;
  /**
   * Also tells subscribed devices through a vendor push service that a request is waiting, e.g.
   * `new WebPushSender({ vapidPublicKey, vapidPrivateKey, subject })` (needs the optional `web-push`
   * package). The long-poll delivers either way. @default none
   */
  sender?: PushSender;
}

export interface ResolvedPushOptions {
  enabled: boolean;
  requirePin: boolean;
  pinLength: number;
  autoSend: boolean;
  activationTtlMs: number;
  challengeTtlMs: number;
  budget: { max: number; windowMs: number };
  denialCooldown: { denials: number; windowMs: number; cooldownMs: number };
  fraudBlockMs: number;
  maxPinFailures: number;
  publicOrigin: string | undefined;
  /** Normalised (URL.origin) origins; null: loopback origins only. */
  allowedOrigins: readonly string[] | null;
  pollIntervalMs: number;
  /** The top-level `wakeup` option: how waiting devices and browsers are woken. */
  wakeup: Wakeup;
  sender: PushSender | null;
}

export const PUSH_DEFAULTS = {
  enabled: true,
  requirePin: false,
  pinLength: 6,
  autoSend: false,
  activationTtlMs: 10 * 60_000,
  challengeTtlMs: 120_000,
  budget: { max: 5, windowMs: 10 * 60_000 },
  denialCooldown: { denials: 3, windowMs: 10 * 60_000, cooldownMs: 10 * 60_000 },
  fraudBlockMs: 24 * 60 * 60_000,
  maxPinFailures: 10,
  pollIntervalMs: 2_000,
} as const;

const ms = (min: number, max: number, what: string) =>
  z.number().int().min(min, `must be at least ${min} ms (${what})`).max(max, `must be at most ${max} ms (${what})`).optional();

const origin = z.string().refine((s) => /^https?:\/\/[^/\s?#@]+$/.test(s) && URL.canParse(s), 'must be an origin like "https://app.example" (no path, no trailing "/")');

export const pushSchema = z.object({
  enabled: z.boolean().optional(),
  requirePin: z.boolean().optional(),
  pinLength: z.number().int().min(4, 'must be at least 4 digits').max(12, 'must be at most 12 digits').optional(),
  autoSend: z.boolean().optional(),
  activationTtlMs: ms(60_000, 60 * 60_000, '1 minute to 1 hour'),
  challengeTtlMs: ms(30_000, 10 * 60_000, '30 seconds to 10 minutes'),
  budget: z.object({
    max: z.number().int().min(1).max(100).optional(),
    windowMs: ms(60_000, 24 * 60 * 60_000, '1 minute to 1 day'),
  }).strict().optional(),
  denialCooldown: z.object({
    denials: z.number().int().min(1).max(100).optional(),
    windowMs: ms(60_000, 24 * 60 * 60_000, '1 minute to 1 day'),
    cooldownMs: ms(0, 24 * 60 * 60_000, 'up to 1 day'),
  }).strict().optional(),
  fraudBlockMs: ms(0, 30 * 24 * 60 * 60_000, 'up to 30 days'),
  maxPinFailures: z.number().int().min(3).max(100).optional(),
  publicOrigin: origin.optional(),
  allowedOrigins: z.array(origin).min(1, 'must list at least one origin, e.g. ["https://app.example"]').optional(),
  pollIntervalMs: ms(500, 25_000, '0.5 to 25 seconds'),
  sender: z.custom<PushSender>(isPushSender, { message: 'must implement PushSender ({ send(subscription, message), allowsEndpoint(endpoint) }), e.g. new WebPushSender({ vapidPublicKey, vapidPrivateKey, subject })' }).optional(),
}).strict();

/**
 * Fills the defaults. In production (NODE_ENV=production) with push enabled, the activation
 * URL's origin must be configured: without it only loopback origins would work, which no phone
 * reaches, and a forgotten setting must not wait for the first user to find it.
 */
export function resolvePush(p: z.infer<typeof pushSchema>, wakeup: Wakeup): ResolvedPushOptions {
  const d = PUSH_DEFAULTS;
  if (p.enabled !== false && !p.publicOrigin && !p.allowedOrigins && process.env.NODE_ENV === 'production') {
    throw new ConfigurationError(
      'createMfa(): invalid options:\n  - push.publicOrigin: is required in production (NODE_ENV=production): the origin phones reach this app at, ' +
        'e.g. "https://app.example" (or list the origins in push.allowedOrigins, or set push.enabled = false)',
    );
  }
  return {
    enabled: p.enabled ?? d.enabled,
    requirePin: p.requirePin ?? d.requirePin,
    pinLength: p.pinLength ?? d.pinLength,
    autoSend: p.autoSend ?? d.autoSend,
    activationTtlMs: p.activationTtlMs ?? d.activationTtlMs,
    challengeTtlMs: p.challengeTtlMs ?? d.challengeTtlMs,
    budget: { ...d.budget, ...p.budget },
    denialCooldown: { ...d.denialCooldown, ...p.denialCooldown },
    fraudBlockMs: p.fraudBlockMs ?? d.fraudBlockMs,
    maxPinFailures: p.maxPinFailures ?? d.maxPinFailures,
    publicOrigin: p.publicOrigin,
    allowedOrigins: p.allowedOrigins ? p.allowedOrigins.map((o) => new URL(o).origin) : null,
    pollIntervalMs: p.pollIntervalMs ?? d.pollIntervalMs,
    wakeup,
    sender: p.sender ?? null,
  };
}
