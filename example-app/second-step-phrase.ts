import type { MfaStatus } from '../src/index.js';

/**
 * How the home page names the second step this session passed ("your password and a code sent
 * by text message"), from mfa.status(req): its method id and, for the backup phone, whether the
 * code came by text ('sms') or by a call ('tel').
 */
export function secondStepPhrase(status: Pick<MfaStatus, 'method' | 'amr'>): string {
  switch (status.method) {
    case 'totp':
      return 'a code from your authenticator app';
    case 'push':
      return 'a notification you approved in your mobile app';
    case 'phone':
      return status.amr.includes('tel') ? 'a code we gave you in a phone call' : 'a code we sent you by text message';
    case 'security_key':
      return 'your security key or passkey';
    case 'recovery_code':
      return 'a recovery code';
    default:
      return 'your second method';
  }
}
