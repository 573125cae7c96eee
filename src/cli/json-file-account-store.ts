import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AccountStore, AuthenticatorAccount } from '../authenticator/account-store.js';

type StoredAccount = Omit<AuthenticatorAccount, 'privateKey'> & { privateKey: JsonWebKey };

/**
 * Keeps the CLI authenticator's accounts in one JSON file (mode 0600). A file cannot hold a
 * non-extractable CryptoKey, so keys are made extractable and stored as JWK: protect the file
 * like an SSH private key.
 */
export class JsonFileAccountStore implements AccountStore {
  readonly keepsCryptoKeys = false;

  constructor(private readonly path: string, private readonly subtle: SubtleCrypto = globalThis.crypto.subtle) {}

  async list(): Promise<AuthenticatorAccount[]> {
    return Promise.all(this.#read().map(async (a) => ({
      ...a,
      privateKey: await this.subtle.importKey('jwk', a.privateKey, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']),
    })));
  }

  async save(account: AuthenticatorAccount): Promise<void> {
    const stored: StoredAccount = { ...account, privateKey: await this.subtle.exportKey('jwk', account.privateKey) };
    this.#write([...this.#read().filter((a) => a.deviceId !== account.deviceId), stored]);
  }

  async remove(deviceId: string): Promise<void> {
    this.#write(this.#read().filter((a) => a.deviceId !== deviceId));
  }

  #read(): StoredAccount[] {
    if (!existsSync(this.path)) return [];
    const data = JSON.parse(readFileSync(this.path, 'utf8')) as { version?: number; accounts?: StoredAccount[] };
    if (data.version !== 1 || !Array.isArray(data.accounts)) throw new Error(`${this.path} is not an authenticator state file (version 1).`);
    return data.accounts;
  }

  #write(accounts: StoredAccount[]): void {
    // Write then rename: a crash never leaves a half-written file with the only copy of the keys.
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ version: 1, accounts }, null, 2) + '\n', { mode: 0o600 });
    renameSync(temp, this.path);
  }
}
