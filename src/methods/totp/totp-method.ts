import { createHmac, timingSafeEqual } from 'node:crypto';
import { generateURI } from 'otplib';
import { base32 } from '@otplib/plugin-base32-scure';
import { randomId } from '../../crypto/random.js';
import type { RandomSource } from '../../crypto/random.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { FactorRecord } from '../../stores/facets/core.js';
import type { MfaStore } from '../../stores/mfa-store.js';

/** The one-time-password method's id: the `type` of its factors. */
export const TOTP_ID = 'totp';

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export interface TotpSettings {
  algorithm: TotpAlgorithm;
  digits: 6 | 7 | 8;
  period: number;
  /** Accepted steps either side of now (0 or 1). */
  window: 0 | 1;
  /** Seed length in bytes (20 = 160 bits, as RFC 4226 recommends). */
  secretBytes: number;
}

export type TotpVerifyResult =
  | { ok: true; factorId: string; timeStep: number }
  | { ok: false; reason: 'invalid_code' | 'replayed' | 'no_factor' };

export interface TotpEnrollment {
  factor: FactorRecord;
  provisioning: TotpProvisioning;
}

/** What an authenticator app needs: shown as QR code and as manual details. */
export interface TotpProvisioning {
  secret: string;
  uri: string;
  issuer: string;
  accountName: string;
  algorithm: TotpAlgorithm;
  digits: number;
  period: number;
}

export interface TotpMethodOptions {
  store: MfaStore;
  box: SecretBox;
  issuer: string;
  settings: TotpSettings;
  clock: () => number;
  random: RandomSource;
}

/** The one-time-password (RFC 6238) method: enroll, provision, verify. Framework-free. */
export class TotpMethod {
  readonly #o: TotpMethodOptions;

  constructor(options: TotpMethodOptions) {
    this.#o = options;
  }

  get digits(): number {
    return this.#o.settings.digits;
  }

  /**
   * Create an unconfirmed factor with a fresh seed; it counts once confirmFactor() succeeds.
   * Other methods whose factors carry a TOTP seed enroll here too, with their own `kind` (the
   * push method: the seed is the companion authenticator's offline one-time-password credential).
   */
  async enroll(userId: string, accountName: string, kind: { type: string; label: string } = { type: TOTP_ID, label: 'Authenticator app' }): Promise<TotpEnrollment> {
    const { store, box, settings, clock, random } = this.#o;
    const id = randomId(random);
    const seed = random(settings.secretBytes);
    const factor: FactorRecord = {
      id,
      userId,
      type: kind.type,
      label: kind.label,
      sealedSecret: box.seal(seed, sealContext(id, userId)),
      data: { algorithm: settings.algorithm, digits: settings.digits, period: settings.period, accountName },
      createdAt: clock(),
      confirmedAt: null,
      lastUsedAt: null,
      lastStep: null,
    };
    await store.core.createFactor(factor);
    return { factor, provisioning: this.provisioning(factor) };
  }

  /** The seed and otpauth:// URI of a factor (for the setup page; never for a confirmed one). */
  provisioning(factor: FactorRecord): TotpProvisioning {
    const p = factorParams(factor);
    const secret = base32.encode(this.#seed(factor));
    const accountName = typeof factor.data.accountName === 'string' ? factor.data.accountName : factor.userId;
    const uri = generateURI({
      issuer: this.#o.issuer,
      label: accountName,
      secret,
      algorithm: p.algorithm,
      digits: p.digits as 6 | 7 | 8,
      period: p.period,
    });
    return { secret, uri, issuer: this.#o.issuer, accountName, ...p };
  }

  /**
   * Check `code` (already normalised) against the given factors of the user (those with a seed). A match at a time
   * step not newer than the factor's last accepted one is a replay; the step is consumed in the
   * store atomically, so of many parallel submissions of one code exactly one succeeds.
   */
  async verify(factors: readonly FactorRecord[], code: string): Promise<TotpVerifyResult> {
    const totpFactors = factors.filter((f) => f.sealedSecret !== null);
    if (totpFactors.length === 0) return { ok: false, reason: 'no_factor' };
    const nowSeconds = this.#o.clock() / 1000;
    let replayed = false;
    for (const factor of totpFactors) {
      const step = this.#matchingStep(factor, code, nowSeconds);
      if (step === null) continue;
      if (factor.lastStep !== null && step <= factor.lastStep) {
        replayed = true;
        continue;
      }
      if (await this.#o.store.core.consumeTimeStep(factor.id, step, this.#o.clock())) {
        return { ok: true, factorId: factor.id, timeStep: step };
      }
      replayed = true;
    }
    return { ok: false, reason: replayed ? 'replayed' : 'invalid_code' };
  }

  /** Compares against every step in the window without stopping early, in constant time each. */
  #matchingStep(factor: FactorRecord, code: string, nowSeconds: number): number | null {
    const p = factorParams(factor);
    const seed = this.#seed(factor);
    const current = Math.floor(nowSeconds / p.period);
    const submitted = Buffer.from(code, 'latin1');
    let found: number | null = null;
    for (let step = current - this.#o.settings.window; step <= current + this.#o.settings.window; step++) {
      // Both are ASCII digits, the expected code exactly p.digits long: compared byte for byte in
      // constant time. Only a code of another length (public: the factor's digit count) stops early.
      const expected = Buffer.from(totpAt(seed, step * p.period, p), 'latin1');
      if (expected.length === submitted.length && timingSafeEqual(expected, submitted) && found === null) found = step;
    }
    return found;
  }

  #seed(factor: FactorRecord): Buffer {
    if (!factor.sealedSecret) throw new Error(`factor ${factor.id} has no secret`);
    return this.#o.box.open(factor.sealedSecret, sealContext(factor.id, factor.userId));
  }
}

/**
 * The RFC 6238 code of `seed` at `epochSeconds`: the RFC 4226 value (HMAC of the big-endian
 * 64-bit step counter, dynamic truncation, decimal digits) of step floor(epoch / period).
 * Node's HMAC rather than otplib's portable JavaScript one: a code check computes three of them.
 */
export function totpAt(
  seed: Uint8Array,
  epochSeconds: number,
  p: { algorithm: TotpAlgorithm; digits: number; period: number },
): string {
  const counter = Math.floor(epochSeconds / p.period);
  const message = Buffer.alloc(8);
  message.writeUInt32BE(Math.floor(counter / 2 ** 32), 0);
  message.writeUInt32BE(counter % 2 ** 32, 4);
  const mac = createHmac(p.algorithm, seed).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(value % 10 ** p.digits).padStart(p.digits, '0');
}

function factorParams(factor: FactorRecord): { algorithm: TotpAlgorithm; digits: number; period: number } {
  const { algorithm, digits, period } = factor.data;
  return {
    algorithm: algorithm === 'sha256' || algorithm === 'sha512' ? algorithm : 'sha1',
    digits: typeof digits === 'number' ? digits : 6,
    period: typeof period === 'number' ? period : 30,
  };
}

function sealContext(factorId: string, userId: string): string {
  return `totp:${factorId}:${userId}`;
}
