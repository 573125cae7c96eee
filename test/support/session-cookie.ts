import { createHmac } from 'node:crypto';
import type { Agent } from './mfa-flow.js';

/** The Cookie header express-session accepts for session `sid`: "s:" + id + "." + base64 HMAC-SHA256 without padding. */
export function signedSessionCookie(cookieName: string, secret: string, sid: string): string {
  const signature = createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
  return `${cookieName}=${encodeURIComponent(`s:${sid}.${signature}`)}`;
}

/** The Cookie header this supertest agent sends to the app (on 127.0.0.1), e.g. to open an event stream with fetch or replay it. */
export function cookieHeaderOf(agent: Agent): string {
  const jar = (agent as unknown as { jar: { getCookies(o: object): { toValueString(): string }[] } }).jar;
  return jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).map((c) => c.toValueString()).join('; ');
}
