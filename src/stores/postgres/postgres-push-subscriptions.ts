import type { PushSubscriptionStore } from '../facets/push-subscriptions.js';
import type { PushSubscriptionRecord } from '../push-records.js';
import { selectList, statement } from './pg-db.js';
import type { PgDb } from './pg-db.js';
import type { PostgresNames } from './postgres-names.js';

const RECORD = selectList({ deviceId: 'device_id', userId: 'user_id', endpoint: 'endpoint', p256dh: 'p256dh', auth: 'auth', createdAt: 'created_at' });

/** PostgresStore's Web Push subscriptions, one per device (an upsert replaces it). */
export class PostgresPushSubscriptions implements PushSubscriptionStore {
  readonly #db: PgDb;
  readonly #sql: ReturnType<typeof statements>;

  constructor(db: PgDb, n: PostgresNames) {
    this.#db = db;
    this.#sql = statements(n);
  }

  async put(s: PushSubscriptionRecord): Promise<void> {
    await this.#db.count(this.#sql.put, [s.deviceId, s.userId, s.endpoint, s.p256dh, s.auth, s.createdAt]);
  }

  list(userId: string): Promise<PushSubscriptionRecord[]> {
    return this.#db.rows<PushSubscriptionRecord>(this.#sql.list, [userId]);
  }

  async delete(deviceId: string, endpoint?: string): Promise<boolean> {
    return (await this.#db.count(this.#sql.delete, [deviceId, endpoint ?? null])) === 1;
  }
}

function statements(n: PostgresNames) {
  const t = n.table('push_subscriptions');
  return {
    // A replaced subscription is a new one: it moves to the end of "oldest first", as SQLite's INSERT OR REPLACE does.
    put: statement(
      `INSERT INTO ${t} (device_id, user_id, endpoint, p256dh, auth, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (device_id) DO UPDATE SET user_id = excluded.user_id, endpoint = excluded.endpoint, p256dh = excluded.p256dh,
         auth = excluded.auth, created_at = excluded.created_at, seq = DEFAULT`,
    ),
    list: statement(`SELECT ${RECORD} FROM ${t} WHERE user_id = $1 ORDER BY created_at, seq`),
    delete: statement(`DELETE FROM ${t} WHERE device_id = $1 AND ($2::text IS NULL OR endpoint = $2::text)`),
  };
}
