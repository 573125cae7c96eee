import type { FactorRecord } from '../../stores/facets/core.js';

/** The backup phone method's id: the `type` of its factors. */
export const PHONE_ID = 'phone';

export type PhoneFactor = FactorRecord & { data: { e164: string } };

/** The verified phone among a user's factors, if any. */
export function verifiedPhoneIn(factors: readonly FactorRecord[]): PhoneFactor | null {
  const factor = factors.find((f) => f.type === PHONE_ID && f.confirmedAt !== null && typeof f.data.e164 === 'string');
  return (factor as PhoneFactor | undefined) ?? null;
}
