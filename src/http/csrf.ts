import type { NextFunction, Request, Response } from 'express';
import { CsrfError } from '../errors.js';
import { timingSafeEqual } from 'node:crypto';
import type { RandomSource } from '../crypto/random.js';
import { formBody } from '../second-step/form-body.js';
import { sessionState } from '../second-step/session-state.js';

/**
 * Synchronizer-token CSRF protection: a random token kept in the session, echoed by every form
 * as `_csrf` (or by scripts as the `x-csrf-token` header). The session id is regenerated after
 * each factor, which also replaces the token.
 */
export function csrfToken(req: Request, random: RandomSource): string {
  const state = sessionState(req);
  state.csrf ??= random(32).toString('base64url');
  return state.csrf;
}

export function requireCsrf(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  const expected = req.session?.mfa?.csrf;
  const { _csrf } = formBody(req);
  const sent = typeof _csrf === 'string' ? _csrf : req.get('x-csrf-token');
  if (typeof expected !== 'string' || typeof sent !== 'string' || !tokensEqual(expected, sent)) {
    return next(new CsrfError());
  }
  next();
}

/**
 * Constant-time comparison of the session's token with the one sent. Every token has the same
 * length (32 random bytes in base64url), so only a sent value of another length, which tells
 * nothing about the token, is refused before comparing.
 */
function tokensEqual(expected: string, sent: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(sent, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
