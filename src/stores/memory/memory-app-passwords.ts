import type { AppPasswordRecord, AppPasswordStore } from '../facets/app-passwords.js';
import { oldestFirst } from './oldest-first.js';

/** MemoryStore's app-passwords facet. */
export class MemoryAppPasswords implements AppPasswordStore {
  readonly #passwords = new Map<string, AppPasswordRecord>();
  /** `ensureOpen` throws once the MemoryStore is closed. */
  constructor(private readonly ensureOpen: () => void) {}

  async create(record: AppPasswordRecord, limit: { maxPerUser: number; now: number }): Promise<boolean> {
    this.ensureOpen();
    if (this.#passwords.has(record.id)) throw new Error(`app password ${record.id} already exists`);
    if ([...this.#passwords.values()].some((p) => p.hash === record.hash)) throw new Error('app password hash already exists');
    let count = 0;
    for (const p of this.#passwords.values()) {
      if (p.userId !== record.userId) continue;
      if (p.expiresAt !== null && p.expiresAt <= limit.now) this.#passwords.delete(p.id);
      else count++;
    }
    if (count >= limit.maxPerUser) return false;
    this.#passwords.set(record.id, structuredClone(record));
    return true;
  }

  async findByHash(hash: string): Promise<AppPasswordRecord | null> {
    this.ensureOpen();
    for (const p of this.#passwords.values()) if (p.hash === hash) return structuredClone(p);
    return null;
  }

  async list(userId: string): Promise<AppPasswordRecord[]> {
    this.ensureOpen();
    return oldestFirst(this.#passwords.values(), userId);
  }

  async touch(id: string, now: number): Promise<void> {
    this.ensureOpen();
    const record = this.#passwords.get(id);
    if (record) record.lastUsedAt = now;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    this.ensureOpen();
    const record = this.#passwords.get(id);
    return record?.userId === userId ? this.#passwords.delete(id) : false;
  }

  async deleteAll(userId: string): Promise<number> {
    this.ensureOpen();
    let deleted = 0;
    for (const p of this.#passwords.values()) {
      if (p.userId === userId && this.#passwords.delete(p.id)) deleted++;
    }
    return deleted;
  }
}
