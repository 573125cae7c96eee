import { oldestFirst } from './oldest-first.js';
import type { PublicJwk, PushChallengeRecord, PushDeviceRecord, PushResolution, PushSubscriptionRecord } from './push-records.js';

/**
 * The push part of MemoryStore. Like the rest of MemoryStore, each method runs synchronously to
 * completion, which is what makes the "atomic" ones atomic within this process.
 */
export class MemoryPushData {
  readonly #devices = new Map<string, PushDeviceRecord>();
  readonly #challenges = new Map<string, PushChallengeRecord>();
  readonly #nonces = new Map<string, number>();
  readonly #subscriptions = new Map<string, PushSubscriptionRecord>();

  createPushDevice(device: PushDeviceRecord): void {
    if (this.#devices.has(device.id)) throw new Error(`push device ${device.id} already exists`);
    this.#devices.set(device.id, structuredClone(device));
  }

  getPushDevice(id: string): PushDeviceRecord | null {
    const device = this.#devices.get(id);
    return device ? structuredClone(device) : null;
  }

  activatePushDevice(id: string, a: { publicKey: PublicJwk; name: string | null; now: number }): boolean {
    const device = this.#devices.get(id);
    if (!device || device.activatedAt !== null || a.now >= device.activationExpiresAt) return false;
    Object.assign(device, { activatedAt: a.now, publicKey: structuredClone(a.publicKey), name: a.name });
    return true;
  }

  setPushDevicePin(id: string, pinHash: string | null): boolean {
    const device = this.#devices.get(id);
    if (!device) return false;
    device.pinHash = pinHash;
    return true;
  }

  disablePushDevice(id: string, now: number): void {
    const device = this.#devices.get(id);
    if (device && device.disabledAt === null) device.disabledAt = now;
  }

  createPushChallenge(challenge: PushChallengeRecord): void {
    if (this.#challenges.has(challenge.id)) throw new Error(`push challenge ${challenge.id} already exists`);
    this.#challenges.set(challenge.id, structuredClone(challenge));
  }

  getPushChallenge(id: string): PushChallengeRecord | null {
    const challenge = this.#challenges.get(id);
    return challenge ? structuredClone(challenge) : null;
  }

  listOpenPushChallenges(userId: string, now: number): PushChallengeRecord[] {
    return this.#ofUser(userId, (c) => c.status === 'pending' && now < c.expiresAt);
  }

  resolvePushChallenge(id: string, r: PushResolution): boolean {
    const challenge = this.#challenges.get(id);
    if (!challenge || challenge.status !== 'pending' || r.now >= challenge.expiresAt || !this.#enabled(r.deviceId)) return false;
    Object.assign(challenge, { status: r.status, resolvedAt: r.now, resolvedBy: r.deviceId, evidence: r.evidence });
    return true;
  }

  consumePushChallenge(id: string, now: number): boolean {
    const challenge = this.#challenges.get(id);
    if (!challenge || challenge.status !== 'approved' || challenge.consumedAt !== null || !this.#enabled(challenge.resolvedBy)) return false;
    challenge.consumedAt = now;
    return true;
  }

  listUnseenFraudReports(userId: string): PushChallengeRecord[] {
    return this.#ofUser(userId, (c) => c.status === 'fraud' && c.noticeSeenAt === null);
  }

  markFraudReportsSeen(userId: string, now: number): void {
    for (const c of this.#challenges.values()) {
      if (c.userId === userId && c.status === 'fraud' && c.noticeSeenAt === null) c.noticeSeenAt = now;
    }
  }

  consumeNonce(scope: string, nonce: string, expiresAt: number, now: number): boolean {
    const key = JSON.stringify([scope, nonce]);
    const until = this.#nonces.get(key);
    if (until !== undefined && now < until) return false;
    this.#nonces.set(key, expiresAt);
    // Forget expired nonces now and then so the map does not grow without bound.
    if (this.#nonces.size % 1024 === 0) for (const [k, t] of this.#nonces) if (t <= now) this.#nonces.delete(k);
    return true;
  }

  putPushSubscription(subscription: PushSubscriptionRecord): void {
    this.#subscriptions.set(subscription.deviceId, structuredClone(subscription));
  }

  listPushSubscriptions(userId: string): PushSubscriptionRecord[] {
    return oldestFirst(this.#subscriptions.values(), userId);
  }

  deletePushSubscription(deviceId: string, endpoint?: string): boolean {
    const current = this.#subscriptions.get(deviceId);
    if (!current || (endpoint !== undefined && current.endpoint !== endpoint)) return false;
    return this.#subscriptions.delete(deviceId);
  }

  #enabled(deviceId: string | null): boolean {
    const device = deviceId === null ? undefined : this.#devices.get(deviceId);
    return device !== undefined && device.disabledAt === null;
  }

  #ofUser(userId: string, keep: (c: PushChallengeRecord) => boolean): PushChallengeRecord[] {
    return oldestFirst([...this.#challenges.values()].filter(keep), userId);
  }
}
