import { PhoneDestinationRefusedError, PhoneSendLimitError, PhoneTransportError } from '../../errors.js';
import type { Emit } from '../../events.js';
import type { MethodPage } from '../page.js';
import type { PhoneChannel } from './phone-method.js';

export function parseChannel(value: unknown): PhoneChannel {
  return value === 'voice' ? 'voice' : 'sms';
}

/**
 * Sends a code; when the transport fails or a send limit is hit, answers with a page that says
 * so and links back and to another way on, and returns false. Nothing was stored then.
 */
export async function sendOrExplain(
  emit: Emit,
  page: MethodPage,
  send: () => Promise<void>,
  links: { backHref: string; otherHref: string; otherLabel: string },
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
    await page.render('phone-send-failed', { title: "We couldn't send a code", message: error.message, ...links }, error.status);
    return false;
  }
}
