import type { PushStore } from '../facets/push.js';
import type { PublicJwk, PushChallengeRecord, PushDeviceRecord, PushResolution } from '../push-records.js';
import { oldestFirst } from './oldest-first.js';

/** MemoryStore's push facet. */
export class MemoryPush implements PushStore {
  readonly #devices = new Map<string, PushDeviceRecord>();
  readonly #challenges = new Map<string, PushChallengeRecord>();
  readonly #nonces = new Map<string, number>();
  /** `ensureOpen` throws once the MemoryStore is closed. */
  constructor(private readonly ensureOpen: () => void) {}

  async createDevice(device: PushDeviceRecord): Promise<void> {
    this.ensureOpen();
    if (this.#devices.has(device.id)) throw new Error(`push device ${device.id} already exists`);
    this.#devices.set(device.id, structuredClone(device));
  }

  async getDevice(id: string): Promise<PushDeviceRecord | null> {
    this.ensureOpen();
    const device = this.#devices.get(id);
    return device ? structuredClone(device) : null;
  }

  async activateDevice(id: string, a: { publicKey: PublicJwk; name: string | null; now: number }): Promise<boolean> {
    this.ensureOpen();
    const device = this.#devices.get(id);
    if (!device || device.activatedAt !== null || a.now >= device.activationExpiresAt) return false;
    Object.assign(device, { activatedAt: a.now, publicKey: structuredClone(a.publicKey), name: a.name });
    return true;
  }

  async setDevicePin(id: string, pinHash: string | null): Promise<boolean> {
    this.ensureOpen();
    const device = this.#devices.get(id);
    if (!device) return false;
    device.pinHash = pinHash;
    return true;
  }

  async disableDevice(id: string, now: number): Promise<void> {
    this.ensureOpen();
    const device = this.#devices.get(id);
    if (device && device.disabledAt === null) device.disabledAt = now;
  }

  async createChallenge(challenge: PushChallengeRecord): Promise<void> {
    this.ensureOpen();
    if (this.#challenges.has(challenge.id)) throw new Error(`push challenge ${challenge.id} already exists`);
    this.#challenges.set(challenge.id, structuredClone(challenge));
  }

  async getChallenge(id: string): Promise<PushChallengeRecord | null> {
    this.ensureOpen();
    const challenge = this.#challenges.get(id);
    return challenge ? structuredClone(challenge) : null;
  }

  async listOpenChallenges(userId: string, now: number): Promise<PushChallengeRecord[]> {
    this.ensureOpen();
    return this.#ofUser(userId, (c) => c.status === 'pending' && now < c.expiresAt);
  }

  async resolveChallenge(id: string, r: PushResolution): Promise<boolean> {
    this.ensureOpen();
    const challenge = this.#challenges.get(id);
    if (!challenge || challenge.status !== 'pending' || r.now >= challenge.expiresAt || !this.#enabled(r.deviceId)) return false;
    Object.assign(challenge, { status: r.status, resolvedAt: r.now, resolvedBy: r.deviceId, evidence: r.evidence });
    return true;
  }

  async consumeChallenge(id: string, now: number): Promise<boolean> {
    this.ensureOpen();
    const challenge = this.#challenges.get(id);
    if (!challenge || challenge.status !== 'approved' || challenge.consumedAt !== null || !this.#enabled(challenge.resolvedBy)) return false;
    challenge.consumedAt = now;
    return true;
  }

  async listUnseenFraudReports(userId: string): Promise<PushChallengeRecord[]> {
    this.ensureOpen();
    return this.#ofUser(userId, (c) => c.status === 'fraud' && c.noticeSeenAt === null);
  }

  async markFraudReportsSeen(userId: string, now: number): Promise<void> {
    this.ensureOpen();
    for (const c of this.#challenges.values()) {
      if (c.userId === userId && c.status === 'fraud' && c.noticeSeenAt === null) c.noticeSeenAt = now;
    }
  }

  async consumeNonce(scope: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    this.ensureOpen();
    const key = JSON.stringify([scope, nonce]);
    const until = this.#nonces.get(key);
    if (until !== undefined && now < until) return false;
    this.#nonces.set(key, expiresAt);
    // Forget expired nonces now and then so the map does not grow without bound.
    if (this.#nonces.size % 1024 === 0) for (const [k, t] of this.#nonces) if (t <= now) this.#nonces.delete(k);
    return true;
  }

  #enabled(deviceId: string | null): boolean {
    const device = deviceId === null ? undefined : this.#devices.get(deviceId);
    return device !== undefined && device.disabledAt === null;
  }

  #ofUser(userId: string, keep: (c: PushChallengeRecord) => boolean): PushChallengeRecord[] {
    return oldestFirst([...this.#challenges.values()].filter(keep), userId);
  }
}
