import type { SessionGenerationStore } from '../facets/session-generations.js';

/** MemoryStore's session-generations facet. */
export class MemorySessionGenerations implements SessionGenerationStore {
  readonly #generations = new Map<string, number>();
  /** `ensureOpen` throws once the MemoryStore is closed. */
  constructor(private readonly ensureOpen: () => void) {}

  async get(userId: string): Promise<number> {
    this.ensureOpen();
    return this.#generations.get(userId) ?? 0;
  }

  async bump(userId: string): Promise<number> {
    this.ensureOpen();
    const next = (this.#generations.get(userId) ?? 0) + 1;
    this.#generations.set(userId, next);
    return next;
  }
}
