import { randomBytes } from 'node:crypto';
import { newChallenge } from '../push/challenge.js';
import type { AppPasswordRecord } from '../stores/facets/app-passwords.js';
import type { FactorRecord } from '../stores/facets/core.js';
import type { CredentialRecord } from '../stores/facets/credentials.js';
import type { PushChallengeRecord, PushDeviceRecord } from '../stores/push-records.js';
import { T0 } from './store-per-test.js';

// Records as the features create them, for user 'alice' at T0, each with a fresh random id;
// `overrides` changes any field.

export function makeFactor(overrides: Partial<FactorRecord> = {}): FactorRecord {
  return {
    id: randomBytes(16).toString('base64url'),
    userId: 'alice',
    type: 'totp',
    label: 'Phone',
    sealedSecret: 'v1.sealed.secret',
    data: { digits: 6, period: 30, algorithm: 'SHA1' },
    createdAt: T0,
    confirmedAt: null,
    lastUsedAt: null,
    lastStep: null,
    ...overrides,
  };
}

export function makeAppPassword(overrides: Partial<AppPasswordRecord> = {}): AppPasswordRecord {
  return {
    id: randomBytes(16).toString('base64url'),
    userId: 'alice',
    name: 'Outlook on my laptop',
    hash: randomBytes(32).toString('base64url'),
    scope: null,
    createdAt: T0,
    expiresAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

/** A push device being set up (not activated). */
export function makeDevice(overrides: Partial<PushDeviceRecord> = {}): PushDeviceRecord {
  return {
    id: randomBytes(16).toString('base64url'),
    userId: 'alice',
    activationCodeHash: 'scrypt$hash',
    activationExpiresAt: T0 + 600_000,
    activatedAt: null,
    publicKey: null,
    name: null,
    pinHash: null,
    disabledAt: null,
    createdAt: T0,
    ...overrides,
  };
}

/** A pending challenge as the push method creates it, with a fixed number for assertions. */
export function makeChallenge(overrides: Partial<PushChallengeRecord> = {}): PushChallengeRecord {
  const context = { ip: '203.0.113.9', userAgent: 'Test/1.0', time: T0 };
  return { ...newChallenge({ userId: 'alice', factorId: null, context, ttlMs: 120_000, now: T0, random: randomBytes }), number: '42', ...overrides };
}

/** A security key just registered: counter 0, a 77-byte COSE-sized random key. */
export function makeCredential(overrides: Partial<CredentialRecord> = {}): CredentialRecord {
  return {
    id: randomBytes(16).toString('base64url'),
    userId: 'alice',
    credentialId: randomBytes(32).toString('base64url'),
    publicKey: new Uint8Array(randomBytes(77)),
    counter: 0,
    transports: ['usb', 'nfc'],
    name: 'YubiKey',
    createdAt: T0,
    lastUsedAt: null,
    ...overrides,
  };
}
