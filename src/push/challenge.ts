import { randomId } from '../crypto/random.js';
import type { RandomSource } from '../crypto/random.js';
import type { FactorRecord } from '../stores/facets/core.js';
import type { PushChallengeContext, PushChallengeRecord, PushDeviceRecord } from '../stores/push-records.js';

/** The challenge as a device sees it (docs/push-protocol.md §4.1): never the number. */
export interface DeviceChallengeView {
  id: string;
  createdAt: number;
  expiresAt: number;
  issuer: string;
  accountName: string;
  context: PushChallengeContext;
  numberDigits: 2;
  pinRequired: boolean;
}

/** A uniformly random number from 10 to 99 (two digits, never a leading zero). */
function challengeNumber(random: RandomSource): string {
  for (;;) {
    const byte = random(1)[0]!;
    // 180 = 2 × 90: the largest multiple of 90 below 256, so every number is equally likely.
    if (byte < 180) return String(10 + (byte % 90));
  }
}

export function newChallenge(p: {
  userId: string;
  factorId: string | null;
  context: PushChallengeContext;
  ttlMs: number;
  now: number;
  random: RandomSource;
}): PushChallengeRecord {
  return {
    id: randomId(p.random),
    userId: p.userId,
    factorId: p.factorId,
    number: challengeNumber(p.random),
    createdAt: p.now,
    expiresAt: p.now + p.ttlMs,
    context: p.context,
    status: 'pending',
    resolvedAt: null,
    resolvedBy: null,
    evidence: null,
    consumedAt: null,
    noticeSeenAt: null,
  };
}

/**
 * Whether `device` may answer `challenge`: a setup challenge only from the device being set up;
 * a sign-in challenge from any activated device of a confirmed push factor of the same user.
 */
export function addressedTo(challenge: PushChallengeRecord, device: PushDeviceRecord, factor: FactorRecord | null): boolean {
  if (challenge.userId !== device.userId || !factor || factor.id !== device.id || factor.userId !== device.userId) return false;
  return challenge.factorId === null ? factor.confirmedAt !== null : challenge.factorId === device.id;
}

export function deviceView(challenge: PushChallengeRecord, issuer: string, factor: FactorRecord, pinRequired: boolean): DeviceChallengeView {
  const accountName = typeof factor.data.accountName === 'string' ? factor.data.accountName : factor.userId;
  return {
    id: challenge.id,
    createdAt: challenge.createdAt,
    expiresAt: challenge.expiresAt,
    issuer,
    accountName,
    context: challenge.context,
    numberDigits: 2,
    pinRequired,
  };
}
