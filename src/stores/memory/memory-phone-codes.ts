import type { PhoneCodeRecord, PhoneCodeStore } from '../facets/phone-codes.js';

/** MemoryStore's phone-codes facet. */
export class MemoryPhoneCodes implements PhoneCodeStore {
  readonly #codes = new Map<string, PhoneCodeRecord>();
  /** `ensureOpen` throws once the MemoryStore is closed. */
  constructor(private readonly ensureOpen: () => void) {}

  async put(record: PhoneCodeRecord): Promise<void> {
    this.ensureOpen();
    this.#codes.set(JSON.stringify([record.userId, record.purpose]), { ...record });
  }

  async consume(userId: string, purpose: string, codeHash: string, now: number): Promise<boolean> {
    this.ensureOpen();
    const key = JSON.stringify([userId, purpose]);
    const code = this.#codes.get(key);
    if (!code || code.codeHash !== codeHash || now >= code.expiresAt) return false;
    return this.#codes.delete(key);
  }
}
