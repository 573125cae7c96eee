import { timingSafeEqual } from 'node:crypto';
import { hmacSha256Bytes } from '../crypto/hmac.js';

/** Domain separation: this MAC can never be mistaken for an activation code or another token. */
const PURPOSE = 'push-stream-token:v1:';
const CHALLENGE_ID = /^[A-Za-z0-9_-]{16,64}$/;
const MAC_LENGTH = 32;

/**
 * A capability for one browser to watch one push challenge's outcome without a session:
 * base64url({"c": challengeId, "e": expiresAt}) "." base64url(HMAC-SHA-256). The MAC key
 * (ctx.streamTokenKey) is derived once from the host's current secretKey, so rotating the key
 * invalidates tokens, which live no longer than their challenge anyway. The token only reveals
 * the challenge's status; completing a sign-in still needs the session that sent the notification.
 */
export function mintStreamToken(key: Buffer, challengeId: string, expiresAt: number): string {
  const payload = Buffer.from(JSON.stringify({ c: challengeId, e: expiresAt }), 'utf8').toString('base64url');
  return `${payload}.${hmacSha256Bytes(key, PURPOSE + payload).toString('base64url')}`;
}

/** The challenge a token names, or null when it is malformed, forged, or expired at `now`. */
export function openStreamToken(key: Buffer, token: string, now: number): { challengeId: string; expiresAt: number } | null {
  if (token.length > 256) return null;
  const [payload, mac, ...rest] = token.split('.');
  if (!payload || !mac || rest.length > 0) return null;
  const given = Buffer.from(mac, 'base64url');
  const expected = hmacSha256Bytes(key, PURPOSE + payload);
  if (given.length !== MAC_LENGTH || !timingSafeEqual(given, expected)) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const { c, e } = (claims ?? {}) as { c?: unknown; e?: unknown };
  if (typeof c !== 'string' || !CHALLENGE_ID.test(c) || typeof e !== 'number' || !Number.isFinite(e)) return null;
  return e > now ? { challengeId: c, expiresAt: e } : null;
}
