import { createHmac } from 'node:crypto';

/** The Cookie header express-session accepts for session `sid`: "s:" + id + "." + base64 HMAC-SHA256 without padding. */
export function signedSessionCookie(cookieName: string, secret: string, sid: string): string {
  const signature = createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
  return `${cookieName}=${encodeURIComponent(`s:${sid}.${signature}`)}`;
}
