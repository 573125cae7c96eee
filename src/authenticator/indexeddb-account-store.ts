import type { AccountStore, AuthenticatorAccount } from './account-store.js';

/**
 * Accounts in the browser's IndexedDB. CryptoKeys are stored by structured clone, so a private
 * key made non-extractable stays non-extractable: script on the page can sign with it but
 * never read it out.
 */
export class IndexedDbAccountStore implements AccountStore {
  readonly keepsCryptoKeys = true;
  #db: Promise<IDBDatabase> | undefined;

  constructor(private readonly name = 'passport-mfa-authenticator', private readonly factory: IDBFactory = globalThis.indexedDB) {}

  /** In the order they were added (IndexedDB itself returns them by device id, which is random). */
  async list(): Promise<AuthenticatorAccount[]> {
    const accounts = (await this.#request('readonly', (s) => s.getAll())) as AuthenticatorAccount[];
    return accounts.sort((a, b) => a.activatedAt - b.activatedAt);
  }

  async save(account: AuthenticatorAccount): Promise<void> {
    await this.#request('readwrite', (s) => s.put(account));
  }

  async remove(deviceId: string): Promise<void> {
    await this.#request('readwrite', (s) => s.delete(deviceId));
  }

  async #request(mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest): Promise<unknown> {
    const db = await this.#open();
    return new Promise((resolve, reject) => {
      const request = run(db.transaction('accounts', mode).objectStore('accounts'));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise((resolve, reject) => {
      const request = this.factory.open(this.name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore('accounts', { keyPath: 'deviceId' });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return this.#db;
  }
}
