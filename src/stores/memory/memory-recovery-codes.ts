import type { RecoveryCodeStore } from '../facets/recovery-codes.js';

/** MemoryStore's recovery-codes facet. */
export class MemoryRecoveryCodes implements RecoveryCodeStore {
  readonly #digests = new Map<string, Set<string>>();
  /** `ensureOpen` throws once the MemoryStore is closed. */
  constructor(private readonly ensureOpen: () => void) {}

  async replace(userId: string, digests: readonly string[]): Promise<void> {
    this.ensureOpen();
    const set = new Set(digests);
    if (set.size !== digests.length) throw new Error('recovery code digests must be distinct');
    this.#digests.set(userId, set);
  }

  async consume(userId: string, digest: string): Promise<boolean> {
    this.ensureOpen();
    return this.#digests.get(userId)?.delete(digest) ?? false;
  }

  async countRemaining(userId: string): Promise<number> {
    this.ensureOpen();
    return this.#digests.get(userId)?.size ?? 0;
  }
}
