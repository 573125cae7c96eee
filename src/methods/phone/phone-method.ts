import { hmacSha256 } from '../../crypto/hmac.js';
import type { RandomSource } from '../../crypto/random.js';
import { PhoneDestinationRefusedError, PhoneSendLimitError, PhoneTransportError } from '../../errors.js';
import { rateLimitKeys } from '../../policy/rate-limit-keys.js';
import type { StoreWith } from '../../stores/mfa-store.js';
import type { SmsTransport } from '../../transports/sms-transport.js';
import { inAllowedCountry } from './phone-number.js';

export type PhoneChannel = 'sms' | 'voice';
/** 'enroll' proves a new number; 'signin' is the second step. A code of one never works for the other. */
export type PhonePurpose = 'enroll' | 'signin';

export interface PhoneSettings {
  codeDigits: number;
  codeTtlMs: number;
  sendsPerUserPerHour: number;
  sendsPerIpPerHour: number;
  /** ISO 3166 codes of the countries codes may be sent to (phone.allowedCountries). */
  allowedCountries: readonly string[];
}

export interface PhoneMethodOptions {
  store: StoreWith<'phoneCodes' | 'rateLimits'>;
  transport: SmsTransport;
  /**
   * Key of the code HMAC. A keyed fast hash, not a slow one: a 6-digit code has only 20 bits,
   * which no password hash could protect offline, but without this key a stolen hash is useless,
   * and online guessing is bounded by the short lifetime and the lockout's attempt cap.
   */
  hmacKey: Buffer;
  issuer: string;
  settings: PhoneSettings;
  clock: () => number;
  random: RandomSource;
}

export interface SendCodeRequest {
  userId: string;
  ip: string | undefined;
  purpose: PhonePurpose;
  /** Destination in E.164. */
  to: string;
  channel: PhoneChannel;
}

const HOUR_MS = 3_600_000;

/** One-time codes sent by SMS or read aloud by a call. Framework-free. */
export class PhoneMethod {
  readonly #o: PhoneMethodOptions;

  constructor(options: PhoneMethodOptions) {
    this.#o = options;
  }

  get digits(): number {
    return this.#o.settings.codeDigits;
  }

  /**
   * Sends a new code, which replaces any earlier one of the same purpose. Send limits are
   * reserved first (a send the transport refuses or fails still counts: that is what makes toll
   * fraud unprofitable; one refused by a limit is not counted); the code is stored only after
   * the transport accepted it. A number outside `allowedCountries` (a stored one, after the list
   * was narrowed) is refused before anything is counted or sent.
   */
  async send(request: SendCodeRequest): Promise<void> {
    const { store, settings, clock } = this.#o;
    if (!inAllowedCountry(request.to, settings.allowedCountries)) throw new PhoneDestinationRefusedError();
    const now = clock();
    if (!(await store.rateLimits.hit(rateLimitKeys.phoneSendByUser(request.userId), HOUR_MS, now, settings.sendsPerUserPerHour)).counted) {
      throw new PhoneSendLimitError('user');
    }
    if (!(await store.rateLimits.hit(rateLimitKeys.phoneSendByIp(request.ip), HOUR_MS, now, settings.sendsPerIpPerHour)).counted) {
      throw new PhoneSendLimitError('ip');
    }
    const code = this.#newCode();
    try {
      if (request.channel === 'sms') await this.#o.transport.sendSms({ to: request.to, body: this.#smsText(code) });
      else await this.#o.transport.makeCall({ to: request.to, say: this.#voiceText(code) });
    } catch (error) {
      throw new PhoneTransportError(error);
    }
    await store.phoneCodes.put({
      userId: request.userId,
      purpose: request.purpose,
      codeHash: this.#hash(request.userId, request.purpose, request.to, code),
      createdAt: now,
      expiresAt: now + settings.codeTtlMs,
    });
  }

  /** Consumes the live code if `code` (normalised digits) is it, for this user, purpose and number. */
  check(userId: string, purpose: PhonePurpose, to: string, code: string): Promise<boolean> {
    return this.#o.store.phoneCodes.consume(userId, purpose, this.#hash(userId, purpose, to, code), this.#o.clock());
  }

  /** Uniform digits, one 32-bit draw each; draws at or above 4294967290 (the largest multiple of 10 below 2^32) are thrown away, so % 10 has no bias. */
  #newCode(): string {
    const { codeDigits } = this.#o.settings;
    let code = '';
    while (code.length < codeDigits) {
      const draw = this.#o.random(4).readUInt32BE(0);
      if (draw >= 4_294_967_290) continue;
      code += String(draw % 10);
    }
    return code;
  }

  #hash(userId: string, purpose: PhonePurpose, to: string, code: string): string {
    return hmacSha256(this.#o.hmacKey, JSON.stringify([userId, purpose, to, code]));
  }

  #smsText(code: string): string {
    const minutes = Math.round(this.#o.settings.codeTtlMs / 60_000);
    return `${code} is your ${this.#o.issuer} verification code. It expires in ${minutes} minutes. Don't share it with anyone.`;
  }

  /** Digits separated by commas, so text-to-speech reads them one by one, twice. */
  #voiceText(code: string): string {
    const spoken = code.split('').join(', ');
    return `Your ${this.#o.issuer} verification code is: ${spoken}. Again, your code is: ${spoken}.`;
  }
}
