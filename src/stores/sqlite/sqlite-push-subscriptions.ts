import type Database from 'better-sqlite3';
import type { PushSubscriptionStore } from '../facets/push-subscriptions.js';
import type { PushSubscriptionRecord } from '../push-records.js';

interface SubscriptionRow { device_id: string; user_id: string; endpoint: string; p256dh: string; auth: string; created_at: number }

const COLUMNS = 'device_id, user_id, endpoint, p256dh, auth, created_at';

/** SqliteStore's push-subscriptions facet (table `push_subscriptions`, schema migration 5). */
export class SqlitePushSubscriptions implements PushSubscriptionStore {
  readonly #put: Database.Statement<[string, string, string, string, string, number]>;
  readonly #list: Database.Statement<[string], SubscriptionRow>;
  readonly #delete: Database.Statement<{ deviceId: string; endpoint: string | null }>;

  constructor(db: Database.Database, p: string) {
    this.#put = db.prepare(`INSERT OR REPLACE INTO ${p}push_subscriptions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`);
    this.#list = db.prepare(`SELECT ${COLUMNS} FROM ${p}push_subscriptions WHERE user_id = ? ORDER BY created_at, rowid`);
    this.#delete = db.prepare(
      `DELETE FROM ${p}push_subscriptions WHERE device_id = @deviceId AND (@endpoint IS NULL OR endpoint = @endpoint)`,
    );
  }

  async put(s: PushSubscriptionRecord): Promise<void> {
    this.#put.run(s.deviceId, s.userId, s.endpoint, s.p256dh, s.auth, s.createdAt);
  }

  async list(userId: string): Promise<PushSubscriptionRecord[]> {
    return this.#list.all(userId).map((r) => ({
      deviceId: r.device_id, userId: r.user_id, endpoint: r.endpoint, p256dh: r.p256dh, auth: r.auth, createdAt: r.created_at,
    }));
  }

  async delete(deviceId: string, endpoint?: string): Promise<boolean> {
    return this.#delete.run({ deviceId, endpoint: endpoint ?? null }).changes === 1;
  }
}
