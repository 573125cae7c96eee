import { hmacSha256Bytes } from '../crypto/hmac.js';

const ACTIVATION_CODE_DIGITS = 12;

/**
 * The activation code of a device being set up. It is derived from `key` (a subkey of the current
 * sealing key) and the device, so the setup page and its QR image can show it again while the
 * store keeps only its scrypt hash (a stolen database alone does not reveal it).
 */
export function activationCode(key: Buffer, deviceId: string, createdAt: number): string {
  const mac = hmacSha256Bytes(key, `push-activation:${deviceId}:${createdAt}`);
  // 64 bits reduced mod 10^12: the bias (< 10^-7) is irrelevant next to the attempt limits.
  return (mac.readBigUInt64BE(0) % 10n ** BigInt(ACTIVATION_CODE_DIGITS)).toString().padStart(ACTIVATION_CODE_DIGITS, '0');
}

/** "4821 0937 5516": groups of four for reading aloud and typing. */
export function groupDigits(code: string): string {
  return code.match(/.{1,4}/g)!.join(' ');
}
