import { UntrustedHostError } from '../../errors.js';
import type { ResolvedPushOptions } from '../../push/push-options.js';
import type { MethodPage } from '../page.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The origin devices reach this app at, for the activation URL and QR code: `publicOrigin`, else
 * the request's own origin if it is allowed (`allowedOrigins`, by default loopback ones only).
 * Anyone can send any Host header, so a request for another origin is refused (UntrustedHostError)
 * rather than shown a link to it.
 */
export function deviceOrigin(settings: ResolvedPushOptions, page: MethodPage): string {
  if (settings.publicOrigin) return settings.publicOrigin;
  let requested: URL;
  try {
    requested = new URL(page.requestOrigin);
  } catch {
    throw new UntrustedHostError();
  }
  const allowed = settings.allowedOrigins === null ? LOOPBACK_HOSTS.has(requested.hostname) : settings.allowedOrigins.includes(requested.origin);
  if (!allowed || requested.origin === 'null') throw new UntrustedHostError();
  return requested.origin;
}

/** What the device shows about the sign-in it is asked to approve. */
export function signInContext(page: MethodPage): { ip: string | null; userAgent: string | null } {
  return { ip: page.ip ?? null, userAgent: page.userAgent?.slice(0, 256) ?? null };
}
