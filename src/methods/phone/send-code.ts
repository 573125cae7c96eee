import { PhoneDestinationRefusedError, PhoneSendLimitError, PhoneTransportError } from '../../errors.js';
import type { MfaError } from '../../errors.js';
import type { Emit } from '../../events.js';
import type { MethodPage } from '../page.js';
import type { PhoneChannel } from './phone-method.js';

export function parseChannel(value: unknown): PhoneChannel {
  return value === 'voice' ? 'voice' : 'sms';
}

/** What a code page shows about the last send: a fresh code, or why no new one could be sent and until when. */
export interface SendNotice {
  resent: boolean;
  /** The send that failed, with the field kept: a code the user already holds still works. */
  failure: { message: string; retryAt: number | null } | null;
}

/**
 * Sends a code; when the transport fails or a send limit is hit, reports it (`phone.send_failed`),
 * lets `explain` answer, and returns false. Nothing was stored then.
 */
export async function sendOrExplain(
  emit: Emit,
  page: MethodPage,
  send: () => Promise<void>,
  explain: (error: MfaError) => Promise<void>,
): Promise<boolean> {
  try {
    await send();
    emit({ type: 'phone.code_sent', userId: page.userId, ip: page.ip });
    return true;
  } catch (error) {
    if (!(error instanceof PhoneTransportError || error instanceof PhoneSendLimitError || error instanceof PhoneDestinationRefusedError)) throw error;
    const reason = error instanceof PhoneSendLimitError ? `limit_${error.scope}` : error instanceof PhoneDestinationRefusedError ? 'destination_refused' : 'transport';
    emit({ type: 'phone.send_failed', userId: page.userId, ip: page.ip, reason });
    if (error instanceof PhoneTransportError) console.error('passport-mfa: SMS/voice transport failed', error.cause);
    page.retryAfter(error);
    await explain(error);
    return false;
  }
}

/** The page for a first send that failed: no code is out yet, so it links back and to another way on. */
export function sendFailedPage(page: MethodPage, links: { backHref: string; otherHref: string; otherLabel: string }) {
  return (error: MfaError) => page.render('phone-send-failed', { title: "We couldn't send a code", message: error.message, ...links }, error.status);
}

/** A resend that failed, told on the code page itself. */
export function failedResend(error: MfaError, now: number): SendNotice {
  const seconds = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return { resent: false, failure: { message: error.message, retryAt: typeof seconds === 'number' ? now + seconds * 1000 : null } };
}
