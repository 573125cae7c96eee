import type Database from 'better-sqlite3';
import type { AppPasswordStore } from '../facets/app-passwords.js';
import type { CoreStore } from '../facets/core.js';
import type { CredentialStore } from '../facets/credentials.js';
import type { PhoneCodeStore } from '../facets/phone-codes.js';
import type { PushSubscriptionStore } from '../facets/push-subscriptions.js';
import type { PushStore } from '../facets/push.js';
import type { RateLimitStore } from '../facets/rate-limits.js';
import type { RecoveryCodeStore } from '../facets/recovery-codes.js';
import type { SessionGenerationStore } from '../facets/session-generations.js';
import type { MfaStore } from '../mfa-store.js';
import { SqliteAppPasswords } from './sqlite-app-passwords.js';
import { SqliteCore } from './sqlite-core.js';
import { SqliteCredentials } from './sqlite-credentials.js';
import { migrate } from './sqlite-migrations.js';
import { openSqlite } from './sqlite-open.js';
import { SqlitePhoneCodes } from './sqlite-phone-codes.js';
import { SqlitePushSubscriptions } from './sqlite-push-subscriptions.js';
import { SqlitePush } from './sqlite-push.js';
import { SqliteRateLimits } from './sqlite-rate-limits.js';
import { SqliteRecoveryCodes } from './sqlite-recovery-codes.js';
import { SqliteSessionGenerations } from './sqlite-session-generations.js';

export interface SqliteStoreOptions {
  /**
   * Path of the database file; it is created if missing, but its directory must exist. Several
   * processes (app instances) may share one file. `':memory:'` gives a private in-memory
   * database that nothing else can see and that is gone on close: for tests only.
   * Required.
   */
  filename: string;
  /**
   * Prepended to every table name, so the store can live in the host app's own database.
   * Letters, digits and underscores, not starting with a digit.
   * @default 'mfa_'
   */
  tablePrefix?: string;
  /**
   * How long a write waits for another connection's lock before failing (SQLITE_BUSY), in
   * milliseconds. A non-negative integer.
   * @default 5000
   */
  busyTimeoutMs?: number;
}

/**
 * Persists everything in a SQLite database via better-sqlite3, one facet per table group. It
 * has every facet; each facet's atomic operations are single conditional statements or
 * IMMEDIATE transactions, so they hold across all processes that open the same file.
 */
export class SqliteStore implements MfaStore {
  readonly #db: Database.Database;
  // Typed as the facet interfaces, so the published declarations do not need better-sqlite3's types.
  readonly core: CoreStore;
  readonly rateLimits: RateLimitStore;
  readonly phoneCodes: PhoneCodeStore;
  readonly appPasswords: AppPasswordStore;
  readonly push: PushStore;
  readonly pushSubscriptions: PushSubscriptionStore;
  readonly credentials: CredentialStore;
  readonly recoveryCodes: RecoveryCodeStore;
  readonly sessionGenerations: SessionGenerationStore;

  constructor(options: SqliteStoreOptions) {
    const { db, tablePrefix } = openSqlite(options);
    this.#db = db;
    try {
      migrate(db, tablePrefix);
      this.core = new SqliteCore(db, tablePrefix);
      this.rateLimits = new SqliteRateLimits(db, tablePrefix);
      this.phoneCodes = new SqlitePhoneCodes(db, tablePrefix);
      this.appPasswords = new SqliteAppPasswords(db, tablePrefix);
      this.push = new SqlitePush(db, tablePrefix);
      this.pushSubscriptions = new SqlitePushSubscriptions(db, tablePrefix);
      this.credentials = new SqliteCredentials(db, tablePrefix);
      this.recoveryCodes = new SqliteRecoveryCodes(db, tablePrefix);
      this.sessionGenerations = new SqliteSessionGenerations(db, tablePrefix);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
