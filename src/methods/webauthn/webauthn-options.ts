import { isIP } from 'node:net';
import { z } from 'zod';
import type { MethodOptions } from '../method.js';

/**
 * `webauthn` in createMfa() options: security keys and passkeys. The method is offered only when
 * this is set, because the relying-party id and origin cannot be guessed safely from a request
 * (a Host header is whatever the client sends).
 */
export interface WebAuthnOptions {
  /**
   * The relying-party id: the site's domain, e.g. 'example.com' (or 'localhost'); every key is
   * bound to it and stops working if it changes. Each `origin` must be on it or a subdomain. Required.
   */
  rpId: string;
  /** The site's name as some browsers show it while registering a key. @default the issuer */
  rpName?: string;
  /**
   * The origin(s) the pages are served from, e.g. 'https://app.example.com' (http only for
   * localhost). A response made on any other origin is refused: that is the phishing resistance. Required.
   */
  origin: string | string[];
  /**
   * Whether the key must verify the user (PIN or biometric) in addition to their touch:
   * 'required' refuses keys that did not, 'preferred' asks for it, 'discouraged' does not.
   * @default 'preferred'
   */
  userVerification?: UserVerification;
  /** How long the browser waits for the key, in ms (10 s to 10 min). @default 120000 (2 minutes) */
  timeoutMs?: number;
  /** Security keys a user may register, 1 to 50. @default 10 */
  maxPerUser?: number;
}

export type UserVerification = 'required' | 'preferred' | 'discouraged';

export interface ResolvedWebAuthnOptions {
  rpId: string;
  rpName: string;
  /** Normalised (scheme://host[:port], no trailing slash). */
  origins: string[];
  userVerification: UserVerification;
  timeoutMs: number;
  maxPerUser: number;
}

export const WEBAUTHN_DEFAULTS = {
  userVerification: 'preferred',
  timeoutMs: 120_000,
  maxPerUser: 10,
} as const;

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

export const webAuthnSchema = z.object({
  rpId: z.string().refine((id) => DOMAIN.test(id) && isIP(id) === 0, {
    message: 'must be a lowercase domain name without scheme or port, e.g. "example.com" or "localhost" (not an IP address)',
  }),
  rpName: z.string().trim().min(1).max(64).optional(),
  origin: z.preprocess(
    (value) => (typeof value === 'string' ? [value] : value),
    z.array(z.string().max(2048), { error: 'is required: the pages\' origin, e.g. "https://app.example.com" (or a list of them)' }).min(1).max(20),
  ),
  userVerification: z.enum(['required', 'preferred', 'discouraged']).optional(),
  timeoutMs: z.number().int().min(10_000, 'must be at least 10000 ms').max(600_000, 'must be at most 600000 ms').optional(),
  maxPerUser: z.number().int().min(1).max(50).optional(),
}).strict().superRefine((o, ctx) => {
  for (const value of o.origin) {
    const normalised = normaliseOrigin(value);
    if (typeof normalised !== 'string') {
      ctx.addIssue({ code: 'custom', path: ['origin'], message: `"${value}" ${normalised.problem}` });
      continue;
    }
    const host = new URL(normalised).hostname;
    if (host !== o.rpId && !host.endsWith(`.${o.rpId}`)) {
      ctx.addIssue({ code: 'custom', path: ['origin'], message: `"${value}" is not on rpId "${o.rpId}" (its host must be ${o.rpId} or a subdomain of it)` });
    }
  }
});

declare module '../../options.js' {
  interface MfaOptions {
    /**
     * Security keys and passkeys (WebAuthn), the phishing-resistant method: `{ rpId, origin }` at
     * least. See docs/security-keys.md. @default none (the method is not offered)
     */
    webauthn?: WebAuthnOptions;
  }
  interface ResolvedOptions {
    /** null when security keys are off. */
    webauthn: ResolvedWebAuthnOptions | null;
  }
}

/** `webauthn` among createMfa()'s options: validated with the others at startup. */
export const webAuthnOptions: MethodOptions = {
  key: 'webauthn',
  schema: webAuthnSchema,
  resolve: (value, core) => (value === undefined ? null : resolveWebAuthn(value as z.infer<typeof webAuthnSchema>, core.issuer)),
};

/** Fills the defaults of options that passed `webAuthnSchema`. */
export function resolveWebAuthn(o: z.infer<typeof webAuthnSchema>, issuer: string): ResolvedWebAuthnOptions {
  return {
    rpId: o.rpId,
    rpName: o.rpName ?? issuer,
    origins: o.origin.map((value) => normaliseOrigin(value) as string),
    userVerification: o.userVerification ?? WEBAUTHN_DEFAULTS.userVerification,
    timeoutMs: o.timeoutMs ?? WEBAUTHN_DEFAULTS.timeoutMs,
    maxPerUser: o.maxPerUser ?? WEBAUTHN_DEFAULTS.maxPerUser,
  };
}

/**
 * `scheme://host[:port]` as a browser reports it in clientDataJSON, or what is wrong. Browsers
 * offer WebAuthn only in secure contexts, so plain http is accepted for localhost alone.
 */
function normaliseOrigin(value: string): string | { problem: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'is not a URL; write it as "https://app.example.com"' };
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    return { problem: 'must be an origin only (scheme, host and port), without path, query or credentials' };
  }
  const localhost = url.hostname === 'localhost' || url.hostname.endsWith('.localhost');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && localhost)) {
    return { problem: 'must use https (plain http works only for localhost)' };
  }
  return url.origin;
}
