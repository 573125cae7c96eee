import type { Request, Response } from 'express';
import type { MfaContext } from '../context.js';
import { NotFoundError, PhoneSendLimitError, PhoneTransportError } from '../errors.js';
import type { PhoneChannel, PhoneMethod } from '../methods/phone.js';
import type { PhoneChange } from '../options.js';
import type { FactorRecord } from '../stores/facets/core.js';
import { renderPage, retryAfter } from './respond.js';

declare module './session-state.js' {
  interface MfaSessionState {
    /** A number being proved before it is saved (a phone number is personal data, not a secret). */
    phoneSetup?: { userId: string; e164: string; channel: PhoneChannel; startedAt: number; then: 'wizard' | 'manage' };
    /** How the last sign-in code was sent, for the wording of the code page. */
    phoneSignin?: { userId: string; channel: PhoneChannel };
  }
}

/** The phone method, or 404 when createMfa() got no `sms` transport. */
export function phoneMethod(ctx: MfaContext): PhoneMethod {
  if (!ctx.phone) throw new NotFoundError('Phone codes are not enabled.');
  return ctx.phone;
}

type PhoneFactor = FactorRecord & { data: { e164: string } };

/** The user's verified phone, if any. */
export async function phoneFactorOf(ctx: MfaContext, userId: string): Promise<PhoneFactor | null> {
  return ctx.phone ? verifiedPhoneIn(await ctx.store.core.listFactors(userId)) : null;
}

/** The verified phone among factors already listed, for callers that need the list for more. */
export function verifiedPhoneIn(factors: readonly FactorRecord[]): PhoneFactor | null {
  const factor = factors.find((f) => f.type === 'phone' && f.confirmedAt !== null && typeof f.data.e164 === 'string');
  return (factor as PhoneFactor | undefined) ?? null;
}

export function parseChannel(value: unknown): PhoneChannel {
  return value === 'voice' ? 'voice' : 'sms';
}

/**
 * Sends a code; when the transport fails or a send limit is hit, answers with a page that
 * says so and links back and to another method, and returns false. Nothing was stored then.
 */
export async function sendOrExplain(
  ctx: MfaContext,
  req: Request,
  res: Response,
  send: () => Promise<void>,
  links: { backHref: string; otherHref: string; otherLabel: string },
): Promise<boolean> {
  const userId = req.user ? ctx.options.getUserId(req.user) : null;
  try {
    await send();
    ctx.emit({ type: 'phone.code_sent', userId, ip: req.ip });
    return true;
  } catch (error) {
    if (!(error instanceof PhoneTransportError) && !(error instanceof PhoneSendLimitError)) throw error;
    ctx.emit({ type: 'phone.send_failed', userId, ip: req.ip, reason: error instanceof PhoneSendLimitError ? `limit_${error.scope}` : 'transport' });
    if (error instanceof PhoneTransportError) console.error('passport-mfa: SMS/voice transport failed', error.cause);
    if (error instanceof PhoneSendLimitError) retryAfter(res, 3600);
    await renderPage(ctx, req, res, 'phone-send-failed', { title: "We couldn't send a code", message: error.message, ...links }, error.status);
    return false;
  }
}

/** Audit event plus the host's onPhoneChanged hook (awaited; a throw is logged, not raised). */
export async function notifyPhoneChanged(ctx: MfaContext, change: Omit<PhoneChange, 'at'>): Promise<void> {
  ctx.emit({ type: `phone.${change.action}`, userId: change.userId, ip: change.ip, method: 'phone' });
  try {
    await ctx.options.onPhoneChanged({ ...change, at: ctx.options.clock() });
  } catch (error) {
    console.error('passport-mfa: onPhoneChanged hook threw', error);
  }
}
