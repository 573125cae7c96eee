/** A text message to one phone number (E.164, e.g. '+14155550123'). */
export interface SmsMessage {
  to: string;
  body: string;
}

/** A voice call to one phone number (E.164) that reads `say` aloud. */
export interface VoiceCall {
  to: string;
  say: string;
}

/**
 * Sends phone codes. Each method resolves once the provider has accepted the message or call
 * and rejects on any failure; passport-mfa then tells the user and stores nothing as sent.
 */
export interface SmsTransport {
  sendSms(message: SmsMessage): Promise<void>;
  makeCall(call: VoiceCall): Promise<void>;
}
