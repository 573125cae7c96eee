/** One account added to the authenticator: a device registered with one server. */
export interface AuthenticatorAccount {
  deviceId: string;
  issuer: string;
  accountName: string;
  /** The server's origin, e.g. 'https://app.example'. */
  origin: string;
  /** Path of the device API on that origin, e.g. '/mfa/device'. */
  deviceApi: string;
  activatedAt: number;
  /** The offline one-time-password seed (base32) and its parameters. */
  totp: { secret: string; algorithm: 'sha1' | 'sha256' | 'sha512'; digits: number; period: number };
  /** The device's ECDSA P-256 signing key. Non-extractable when the store keeps CryptoKeys. */
  privateKey: CryptoKey;
  publicKey: JsonWebKey;
}

/**
 * Where the authenticator keeps its accounts: IndexedDB in a browser (CryptoKeys are stored as
 * they are, so private keys stay non-extractable), a JSON file for the CLI (keys are exported
 * as JWK, so they must be extractable), memory in tests.
 */
export interface AccountStore {
  /** Whether saved private keys may stay non-extractable CryptoKeys. */
  readonly keepsCryptoKeys: boolean;
  list(): Promise<AuthenticatorAccount[]>;
  /** Inserts or replaces (by deviceId). */
  save(account: AuthenticatorAccount): Promise<void>;
  remove(deviceId: string): Promise<void>;
}

/** Accounts in memory only: for tests and throwaway sessions. */
export class MemoryAccountStore implements AccountStore {
  readonly keepsCryptoKeys = true;
  readonly #accounts = new Map<string, AuthenticatorAccount>();

  async list(): Promise<AuthenticatorAccount[]> {
    return [...this.#accounts.values()];
  }

  async save(account: AuthenticatorAccount): Promise<void> {
    this.#accounts.set(account.deviceId, account);
  }

  async remove(deviceId: string): Promise<void> {
    this.#accounts.delete(deviceId);
  }
}
