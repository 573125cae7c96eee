import type { Emit } from '../../events.js';
import type { PhoneChange } from '../../options.js';
import { PHONE_ID } from './phone-factor.js';

/** Audit event plus the host's onPhoneChanged hook (awaited; a throw is logged, not raised). */
export async function notifyPhoneChanged(
  deps: { emit: Emit; clock: () => number; onPhoneChanged: (change: PhoneChange) => void | Promise<void> },
  change: Omit<PhoneChange, 'at'>,
): Promise<void> {
  deps.emit({ type: `phone.${change.action}`, userId: change.userId, ip: change.ip, method: PHONE_ID });
  try {
    await deps.onPhoneChanged({ ...change, at: deps.clock() });
  } catch (error) {
    console.error('passport-mfa: onPhoneChanged hook threw', error);
  }
}
