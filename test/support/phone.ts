import { OutboxTransport } from '../../src/transports/outbox-transport.js';
import type { OutboxEntry } from '../../src/transports/outbox-transport.js';
import type { SmsMessage, SmsTransport, VoiceCall } from '../../src/transports/sms-transport.js';
import { postForm } from './mfa-flow.js';
import type { Agent } from './mfa-flow.js';

/** A US number libphonenumber-js accepts as mobile (FIXED_LINE_OR_MOBILE), typed and in E.164. */
export const US_NUMBER = { typed: '(201) 555-0123', e164: '+12015550123', masked: '+1 ••• ••• 0123' } as const;
export const UK_MOBILE = { typed: '07400 123456', e164: '+447400123456', masked: '+44 ••• ••• 3456' } as const;

/** The code in an outbox entry: the SMS starts with it; a call reads it digit by digit ("1, 2, 3"). */
export function codeIn(entry: OutboxEntry | undefined): string {
  if (!entry) throw new Error('nothing was sent');
  const spoken = /code is: ([0-9](?:, [0-9])+)\./.exec(entry.body);
  if (spoken) return spoken[1]!.replace(/, /g, '');
  const texted = /^([0-9]{6,10}) /.exec(entry.body);
  if (!texted) throw new Error(`no code in: ${entry.body}`);
  return texted[1]!;
}

/** An outbox that can be told to fail, as a provider outage would. */
export class SwitchableTransport implements SmsTransport {
  readonly outbox = new OutboxTransport();
  failing = false;
  calls = 0;

  async sendSms(message: SmsMessage): Promise<void> {
    this.calls++;
    if (this.failing) throw new Error('provider down');
    await this.outbox.sendSms(message);
  }

  async makeCall(call: VoiceCall): Promise<void> {
    this.calls++;
    if (this.failing) throw new Error('provider down');
    await this.outbox.makeCall(call);
  }

  latestCode(): string {
    return codeIn(this.outbox.entries()[0]);
  }
}

/** Adds and verifies a backup phone for a fully signed-in agent; codes are read from `latestCode`. */
export async function addPhone(a: Agent, latestCode: () => string, number: string = US_NUMBER.typed, country = 'US') {
  const sent = await postForm(a, '/mfa/setup/phone', { country, number, channel: 'sms', action: 'next' });
  if (sent.status !== 303 || sent.headers.location !== '/mfa/setup/phone/verify') throw new Error(`sending failed: ${sent.status} ${sent.text.slice(0, 300)}`);
  const verified = await postForm(a, '/mfa/setup/phone/verify', { code: latestCode() });
  if (verified.status !== 303) throw new Error(`verifying failed: ${verified.status} ${verified.text.slice(0, 300)}`);
  return verified;
}

/**
 * Completes the second step of a half-signed-in agent (on the verify page) with a code sent to
 * the backup phone by `channel`, read from `latestCode`.
 */
export async function signInByPhone(a: Agent, latestCode: () => string, channel: 'sms' | 'voice' = 'sms'): Promise<void> {
  const sent = await postForm(a, '/mfa/verify/phone/send', { channel }, '/mfa/verify');
  if (sent.headers.location !== '/mfa/verify/phone') throw new Error(`sending failed: ${sent.status} ${sent.text.slice(0, 300)}`);
  const done = await postForm(a, '/mfa/verify/phone', { code: latestCode() });
  if (done.status !== 303) throw new Error(`phone sign-in failed: ${done.status} ${done.text.slice(0, 300)}`);
}
