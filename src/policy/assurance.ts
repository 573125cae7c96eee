import { ConfigurationError } from '../errors.js';

/**
 * The Authentication Method Reference values registered by RFC 8176 (section 2), the vocabulary
 * of the `amr` claim of OpenID Connect and JWT. A method reports only values from this list.
 */
const AMR_VALUES = [
  'face', 'fpt', 'geo', 'hwk', 'iris', 'kba', 'mca', 'mfa', 'otp', 'pin', 'pop', 'pwd',
  'rba', 'retina', 'sc', 'sms', 'swk', 'tel', 'user', 'vbm', 'wia',
] as const;

export type AmrValue = (typeof AMR_VALUES)[number];

/** How one completed second step authenticated the user, as its method reports it. */
export interface Assurance {
  /** RFC 8176 values for the second factor alone (the host's first factor is the host's to add). */
  amr: AmrValue[];
  /**
   * Whether the step resists phishing in the sense of NIST SP 800-63B-4: the authenticator
   * itself bound its answer to this site's origin (a security key or passkey), so a look-alike
   * site relaying the page cannot use it. One-time codes, push approvals and phone codes are not.
   */
  phishingResistant: boolean;
}

const KNOWN = new Set<string>(AMR_VALUES);

/** Checks a method's declared assurance once, at startup: unregistered amr values are a bug in the method. */
export function checkAssurance(methodId: string, assurance: Assurance): Assurance {
  const unknown = assurance.amr.filter((value) => !KNOWN.has(value));
  if (assurance.amr.length === 0 || unknown.length > 0) {
    throw new ConfigurationError(
      `method "${methodId}": amr must list RFC 8176 values (${AMR_VALUES.join(', ')}); got ${JSON.stringify(assurance.amr)}`,
    );
  }
  return { amr: [...new Set(assurance.amr)], phishingResistant: assurance.phishingResistant };
}

/** What `mfa.status(req)` answers for a session that completed the second step. */
export interface MfaStatus {
  userId: string;
  /** Id of the method that completed the step ('totp', 'push', 'phone', 'security_key', 'recovery_code', ...). */
  method: string;
  /** The factor (the app, device, phone or key) that completed it; null for a recovery code, and once that factor was deleted in this very session. */
  factorId: string | null;
  /** When the step completed, in ms since the epoch (`auth_time` is `Math.floor(at / 1000)`). */
  at: number;
  /** RFC 8176 values: the method's own, then 'mfa' (the session has passed two factors). */
  amr: AmrValue[];
  phishingResistant: boolean;
}

/** The status of a completed step from what the session recorded at completion. */
export function statusOf(completed: { userId: string; method: string; factorId: string | null; at: number } & Assurance): MfaStatus {
  const amr = completed.amr.includes('mfa') ? [...completed.amr] : [...completed.amr, 'mfa' as const];
  return {
    userId: completed.userId,
    method: completed.method,
    factorId: completed.factorId,
    at: completed.at,
    amr,
    phishingResistant: completed.phishingResistant,
  };
}
