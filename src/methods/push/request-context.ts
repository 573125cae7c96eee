import type { ResolvedPushOptions } from '../../push/push-options.js';
import type { MethodPage } from '../page.js';

/** The origin devices reach this app at: the configured one, else the request's own. */
export function deviceOrigin(settings: ResolvedPushOptions, page: MethodPage): string {
  return settings.publicOrigin ?? page.requestOrigin;
}

/** What the device shows about the sign-in it is asked to approve. */
export function signInContext(page: MethodPage): { ip: string | null; userAgent: string | null } {
  return { ip: page.ip ?? null, userAgent: page.userAgent?.slice(0, 256) ?? null };
}
