import type { CredentialRecord, CredentialStore } from '../facets/credentials.js';
import { oldestFirst } from './oldest-first.js';

/** MemoryStore's credentials facet. */
export class MemoryCredentials implements CredentialStore {
  readonly #credentials = new Map<string, CredentialRecord>();
  /** `ensureOpen` throws once the MemoryStore is closed. */
  constructor(private readonly ensureOpen: () => void) {}

  async create(credential: CredentialRecord): Promise<boolean> {
    this.ensureOpen();
    if (this.#credentials.has(credential.id)) throw new Error(`credential ${credential.id} already exists`);
    if (this.#find(credential.credentialId)) return false;
    this.#credentials.set(credential.id, copy(credential));
    return true;
  }

  async findByCredentialId(credentialId: string): Promise<CredentialRecord | null> {
    this.ensureOpen();
    const credential = this.#find(credentialId);
    return credential ? copy(credential) : null;
  }

  async list(userId: string): Promise<CredentialRecord[]> {
    this.ensureOpen();
    return oldestFirst(this.#credentials.values(), userId);
  }

  async acceptUse(id: string, counter: number, now: number): Promise<boolean> {
    this.ensureOpen();
    const credential = this.#credentials.get(id);
    if (!credential || !(counter > credential.counter || (counter === 0 && credential.counter === 0))) return false;
    credential.counter = counter;
    credential.lastUsedAt = now;
    return true;
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    this.ensureOpen();
    const credential = this.#credentials.get(id);
    if (credential?.userId !== userId) return false;
    credential.name = name;
    return true;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    this.ensureOpen();
    return this.#credentials.get(id)?.userId === userId ? this.#credentials.delete(id) : false;
  }

  #find(credentialId: string): CredentialRecord | undefined {
    for (const c of this.#credentials.values()) if (c.credentialId === credentialId) return c;
    return undefined;
  }
}

/** A deep copy whose key is a plain Uint8Array, whatever view (e.g. a Buffer) it was given as. */
function copy(credential: CredentialRecord): CredentialRecord {
  return { ...credential, publicKey: new Uint8Array(credential.publicKey), transports: [...credential.transports] };
}
