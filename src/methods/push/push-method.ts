import type { RandomSource } from '../../crypto/random.js';
import { slowHash, slowHashMatches } from '../../crypto/slow-hash.js';
import { ActivationFailedError, ChallengeUnavailableError, DeviceDisabledError, InvalidInputError, RateLimitedError } from '../../errors.js';
import type { Emit } from '../../events.js';
import { rateLimitKeys } from '../../policy/rate-limit-keys.js';
import { activationCode } from '../../push/activation-code.js';
import { addressedTo, deviceView, newChallenge } from '../../push/challenge.js';
import type { DeviceChallengeView } from '../../push/challenge.js';
import type { PushBudget } from '../../push/budget.js';
import { buildEnrollmentUri } from '../../push/enrollment-uri.js';
import type { PinPolicy } from '../../push/pin-policy.js';
import type { ResolvedPushOptions } from '../../push/push-options.js';
import { parsePublicJwk } from '../../push/signature.js';
import { challengeTopic, userTopic } from '../../push/wakeup.js';
import { deliverByWebPush } from '../../push/web-push-delivery.js';
import type { FactorRecord } from '../../stores/facets/core.js';
import type { StoreWith } from '../../stores/mfa-store.js';
import type { PushChallengeContext, PushChallengeRecord, PushDeviceRecord } from '../../stores/push-records.js';
import type { TotpMethod, TotpProvisioning } from '../totp/totp-method.js';

/** The notification method's id: the `type` of its factors (which also carry a TOTP seed). */
export const PUSH_ID = 'push';
/** A new push factor's name, until the user renames it. */
export const PUSH_DEFAULT_LABEL = 'Mobile app (notification)';

/** Failed activations allowed per activation id, and per client IP per window. */
const ACTIVATION_LIMITS = { perActivation: 5, perIp: 20, windowMs: 10 * 60_000 } as const;

export interface PushMethodOptions {
  store: StoreWith<'push' | 'rateLimits' | 'pushSubscriptions'>;
  /** Key of the activation codes' HMAC (a subkey of the current sealing key). */
  activationKey: Buffer;
  totp: TotpMethod;
  budget: PushBudget;
  pins: PinPolicy;
  issuer: string;
  settings: ResolvedPushOptions;
  clock: () => number;
  random: RandomSource;
  emit: Emit;
}

/** What the setup page shows for a device being set up. */
export interface PushEnrollmentDetails {
  code: string;
  url: string;
  uri: string;
  expiresAt: number;
}

export type PushCompletion =
  | { ok: true; factorId: string }
  | { ok: false; reason: 'pending' | 'denied' | 'failed' | 'reported' | 'expired' | 'unavailable' };

/**
 * Mobile app → Notification (docs/push-protocol.md): enrollment and activation of a device,
 * challenges, and completing a sign-in with an approved challenge. Framework-free; device
 * request authentication is in push/request-auth.ts and answers in push/answer.ts.
 */
export class PushMethod {
  readonly #o: PushMethodOptions;

  constructor(options: PushMethodOptions) {
    this.#o = options;
  }

  get settings(): ResolvedPushOptions {
    return this.#o.settings;
  }

  get budget(): PushBudget {
    return this.#o.budget;
  }

  get pins(): PinPolicy {
    return this.#o.pins;
  }

  /** Creates an unconfirmed push factor (with its TOTP seed) and its device awaiting activation. */
  async enroll(userId: string, accountName: string): Promise<FactorRecord> {
    const { store, totp, clock, settings } = this.#o;
    const { factor } = await totp.enroll(userId, accountName, { type: PUSH_ID, label: PUSH_DEFAULT_LABEL });
    const device: PushDeviceRecord = {
      id: factor.id,
      userId,
      activationCodeHash: '',
      activationExpiresAt: clock() + settings.activationTtlMs,
      activatedAt: null,
      publicKey: null,
      name: null,
      pinHash: null,
      disabledAt: null,
      createdAt: factor.createdAt,
    };
    device.activationCodeHash = await slowHash(activationCode(this.#o.activationKey, device.id, device.createdAt), this.#o.random);
    await store.push.createDevice(device);
    return factor;
  }

  /** Code, URL and QR text for the device being set up; `origin` like 'https://app.example'. */
  enrollmentDetails(device: PushDeviceRecord, origin: string, basePath: string): PushEnrollmentDetails {
    const code = activationCode(this.#o.activationKey, device.id, device.createdAt);
    const url = `${origin}${basePath}/device/activate/${device.id}`;
    return { code, url, uri: buildEnrollmentUri({ url, code }), expiresAt: device.activationExpiresAt };
  }

  /**
   * Activates a device with the code from the setup page. Attempts are counted before any check
   * (per activation and per IP, atomically), so guesses stay within the limits even in parallel.
   * Returns the device id and the TOTP seed for offline codes.
   */
  async activate(activationId: string, input: Record<string, unknown>, ip: string | undefined): Promise<{ deviceId: string; totp: TotpProvisioning }> {
    const { store, clock, emit } = this.#o;
    const now = clock();
    const publicKey = parsePublicJwk(input.publicKey);
    const name = input.deviceName === undefined ? null : input.deviceName;
    if (!publicKey || typeof input.code !== 'string' || (name !== null && (typeof name !== 'string' || name.length > 64))) {
      throw new InvalidInputError('Send { code, publicKey (P-256 public JWK), deviceName? }.', 'invalid_request');
    }
    const perIp = await store.rateLimits.hit(rateLimitKeys.pushActivationByIp(ip), ACTIVATION_LIMITS.windowMs, now);
    if (perIp.count > ACTIVATION_LIMITS.perIp) throw new RateLimitedError((perIp.resetAt - now) / 1000);
    const perActivation = await store.rateLimits.hit(rateLimitKeys.pushActivationByDevice(activationId), ACTIVATION_LIMITS.windowMs * 6, now);
    const device = await store.push.getDevice(activationId);
    const factor = device ? await store.core.getFactor(device.id) : null;
    const usable = device && factor && factor.type === PUSH_ID && device.activatedAt === null && now < device.activationExpiresAt;
    const codeOk =
      usable && perActivation.count <= ACTIVATION_LIMITS.perActivation && (await slowHashMatches(input.code.replace(/[\s-]/g, ''), device.activationCodeHash));
    if (!codeOk || !(await store.push.activateDevice(activationId, { publicKey, name, now }))) {
      emit({ type: 'push.activation_failed', userId: device?.userId ?? null, ip, factorId: device ? activationId : undefined });
      throw new ActivationFailedError();
    }
    emit({ type: 'push.device_activated', userId: device.userId, ip, factorId: device.id, method: PUSH_ID });
    return { deviceId: device.id, totp: this.#o.totp.provisioning(factor) };
  }

  /** The device of a push factor that can receive notifications now, or null. */
  async readyDevice(factor: FactorRecord): Promise<PushDeviceRecord | null> {
    if (factor.type !== PUSH_ID) return null;
    const device = await this.#o.store.push.getDevice(factor.id);
    return device && device.userId === factor.userId && device.activatedAt !== null && device.disabledAt === null ? device : null;
  }

  /** The user's confirmed push factors with a ready device. */
  async readyFactors(userId: string, listed?: readonly FactorRecord[]): Promise<FactorRecord[]> {
    if (!this.#o.settings.enabled) return [];
    const factors = (listed ?? (await this.#o.store.core.listFactors(userId))).filter((f) => f.type === PUSH_ID && f.confirmedAt !== null);
    const ready = await Promise.all(factors.map(async (f) => ((await this.readyDevice(f)) ? f : null)));
    return ready.filter((f): f is FactorRecord => f !== null);
  }

  /**
   * Sends a notification ("Contact me"): to the device being set up (`factorId`) or to every
   * ready device of the user (null). Pauses and the budget are checked first; throws
   * RateLimitedError when they forbid it.
   */
  async send(userId: string, factorId: string | null, context: Omit<PushChallengeContext, 'time'>): Promise<PushChallengeRecord> {
    const { store, budget, clock, random, settings, emit } = this.#o;
    try {
      await budget.assertNotPaused(userId);
      await budget.take(userId);
    } catch (error) {
      if (error instanceof RateLimitedError) emit({ type: 'push.budget_exhausted', userId, ip: context.ip ?? undefined, reason: error.code });
      throw error;
    }
    const now = clock();
    const challenge = newChallenge({ userId, factorId, context: { ...context, time: now }, ttlMs: settings.challengeTtlMs, now, random });
    await store.push.createChallenge(challenge);
    emit({ type: 'push.challenge_sent', userId, ip: context.ip ?? undefined, challengeId: challenge.id, factorId: factorId ?? undefined });
    await settings.wakeup.publish(userTopic(userId));
    // Not awaited: a slow or failing push service must not delay or fail the sign-in.
    if (settings.sender) void deliverByWebPush({ store, sender: settings.sender, emit }, challenge);
    return challenge;
  }

  /** The open challenges `device` may answer, as the device sees them. */
  async challengesFor(device: PushDeviceRecord): Promise<DeviceChallengeView[]> {
    if (device.disabledAt !== null) throw new DeviceDisabledError();
    const { store, clock, issuer } = this.#o;
    const factor = await store.core.getFactor(device.id);
    const open = await store.push.listOpenChallenges(device.userId, clock());
    return open
      .filter((c) => addressedTo(c, device, factor))
      .map((c) => deviceView(c, issuer, factor!, device.pinHash !== null));
  }

  /**
   * Uses an approved challenge to complete a sign-in (or setup, with `enrollFactorId`) of this
   * user. The challenge id comes from the session that created it, and the approval is consumed
   * atomically, together with the check that the approving device is still enabled, so it
   * completes exactly one sign-in and none once the device is disabled.
   */
  async complete(userId: string, challengeId: string | undefined, enrollFactorId?: string): Promise<PushCompletion> {
    const { store, clock, settings } = this.#o;
    const now = clock();
    const c = challengeId ? await store.push.getChallenge(challengeId) : null;
    if (!c || c.userId !== userId || c.factorId !== (enrollFactorId ?? null)) return { ok: false, reason: 'unavailable' };
    if (c.status === 'pending') return { ok: false, reason: now < c.expiresAt ? 'pending' : 'expired' };
    if (c.status === 'denied' || c.status === 'failed') return { ok: false, reason: c.status };
    if (c.status === 'fraud') return { ok: false, reason: 'reported' };
    if (c.consumedAt !== null || c.resolvedBy === null) return { ok: false, reason: 'unavailable' };
    if (now - c.resolvedAt! >= settings.challengeTtlMs) return { ok: false, reason: 'expired' };
    const factor = await store.core.getFactor(c.resolvedBy);
    if (!factor || factor.userId !== userId || factor.type !== PUSH_ID) return { ok: false, reason: 'unavailable' };
    if (!(await store.push.consumeChallenge(c.id, now))) return { ok: false, reason: 'unavailable' };
    return { ok: true, factorId: factor.id };
  }

  /**
   * Ends a pending challenge and wakes the browser waiting on it. The store refuses when the
   * challenge is no longer pending (ChallengeUnavailableError) or the device was disabled since
   * the request read it (DeviceDisabledError).
   */
  async resolve(challengeId: string, status: 'approved' | 'denied' | 'fraud' | 'failed', deviceId: string, evidence: string): Promise<void> {
    const { store, clock, settings } = this.#o;
    if (!(await store.push.resolveChallenge(challengeId, { status, deviceId, evidence, now: clock() }))) {
      const device = await store.push.getDevice(deviceId);
      throw device !== null && device.disabledAt !== null ? new DeviceDisabledError() : new ChallengeUnavailableError();
    }
    await settings.wakeup.publish(challengeTopic(challengeId));
  }

  /** Disables a device after too many wrong PINs: it must be set up again. */
  async disableDevice(deviceId: string): Promise<void> {
    await this.#o.store.push.disableDevice(deviceId, this.#o.clock());
  }
}
