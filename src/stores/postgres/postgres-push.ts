import type { PushStore } from '../facets/push.js';
import type { PublicJwk, PushChallengeRecord, PushDeviceRecord, PushResolution } from '../push-records.js';
import { selectList, statement } from './pg-db.js';
import type { PgDb } from './pg-db.js';
import type { PostgresNames } from './postgres-names.js';

const DEVICE = selectList({
  id: 'id', userId: 'user_id', activationCodeHash: 'activation_code_hash', activationExpiresAt: 'activation_expires_at',
  activatedAt: 'activated_at', publicKey: 'public_key', name: 'name', pinHash: 'pin_hash', disabledAt: 'disabled_at', createdAt: 'created_at',
});
const CHALLENGE = selectList({
  id: 'id', userId: 'user_id', factorId: 'factor_id', number: 'number', createdAt: 'created_at', expiresAt: 'expires_at',
  context: 'context', status: 'status', resolvedAt: 'resolved_at', resolvedBy: 'resolved_by', evidence: 'evidence',
  consumedAt: 'consumed_at', noticeSeenAt: 'notice_seen_at',
});

/**
 * PostgresStore's push facet. Each atomic operation is one conditional statement. Resolving or
 * consuming a challenge locks the device row it checks (FOR SHARE), so a device disabled by a
 * parallel request is seen as disabled: the check waits for that write and re-reads the row.
 */
export class PostgresPush implements PushStore {
  readonly #db: PgDb;
  readonly #sql: ReturnType<typeof statements>;

  constructor(db: PgDb, n: PostgresNames) {
    this.#db = db;
    this.#sql = statements(n);
  }

  async createDevice(d: PushDeviceRecord): Promise<void> {
    await this.#db.count(this.#sql.insertDevice, [
      d.id, d.userId, d.activationCodeHash, d.activationExpiresAt, d.activatedAt,
      d.publicKey === null ? null : JSON.stringify(d.publicKey), d.name, d.pinHash, d.disabledAt, d.createdAt,
    ]);
  }

  async getDevice(id: string): Promise<PushDeviceRecord | null> {
    return (await this.#db.rows<PushDeviceRecord>(this.#sql.getDevice, [id]))[0] ?? null;
  }

  async activateDevice(id: string, a: { publicKey: PublicJwk; name: string | null; now: number }): Promise<boolean> {
    return (await this.#db.count(this.#sql.activateDevice, [a.now, JSON.stringify(a.publicKey), a.name, id])) === 1;
  }

  async setDevicePin(id: string, pinHash: string | null): Promise<boolean> {
    return (await this.#db.count(this.#sql.setPin, [pinHash, id])) === 1;
  }

  async disableDevice(id: string, now: number): Promise<void> {
    await this.#db.count(this.#sql.disableDevice, [now, id]);
  }

  async createChallenge(c: PushChallengeRecord): Promise<void> {
    await this.#db.count(this.#sql.insertChallenge, [
      c.id, c.userId, c.factorId, c.number, c.createdAt, c.expiresAt, JSON.stringify(c.context), c.status,
      c.resolvedAt, c.resolvedBy, c.evidence, c.consumedAt, c.noticeSeenAt,
    ]);
  }

  async getChallenge(id: string): Promise<PushChallengeRecord | null> {
    return (await this.#db.rows<PushChallengeRecord>(this.#sql.getChallenge, [id]))[0] ?? null;
  }

  listOpenChallenges(userId: string, now: number): Promise<PushChallengeRecord[]> {
    return this.#db.rows<PushChallengeRecord>(this.#sql.listOpen, [userId, now]);
  }

  async resolveChallenge(id: string, r: PushResolution): Promise<boolean> {
    return (await this.#db.count(this.#sql.resolve, [r.status, r.now, r.deviceId, r.evidence, id])) === 1;
  }

  async consumeChallenge(id: string, now: number): Promise<boolean> {
    return (await this.#db.count(this.#sql.consume, [now, id])) === 1;
  }

  listUnseenFraudReports(userId: string): Promise<PushChallengeRecord[]> {
    return this.#db.rows<PushChallengeRecord>(this.#sql.listUnseenFraud, [userId]);
  }

  async markFraudReportsSeen(userId: string, now: number): Promise<void> {
    await this.#db.count(this.#sql.markFraudSeen, [now, userId]);
  }

  async consumeNonce(scope: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    return (await this.#db.count(this.#sql.insertNonce, [scope, nonce, expiresAt, now])) === 1;
  }
}

function statements(n: PostgresNames) {
  const devices = n.table('push_devices');
  const challenges = n.table('push_challenges');
  const nonces = n.table('push_nonces');
  const enabledDevice = (id: string) => `EXISTS (SELECT 1 FROM ${devices} d WHERE d.id = ${id} AND d.disabled_at IS NULL FOR SHARE)`;
  return {
    insertDevice: statement(
      `INSERT INTO ${devices} (id, user_id, activation_code_hash, activation_expires_at, activated_at, public_key, name, pin_hash, disabled_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10)`,
    ),
    getDevice: statement(`SELECT ${DEVICE} FROM ${devices} WHERE id = $1`),
    activateDevice: statement(
      `UPDATE ${devices} SET activated_at = $1, public_key = $2::jsonb, name = $3
       WHERE id = $4 AND activated_at IS NULL AND $1 < activation_expires_at`,
    ),
    setPin: statement(`UPDATE ${devices} SET pin_hash = $1 WHERE id = $2`),
    disableDevice: statement(`UPDATE ${devices} SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL`),
    insertChallenge: statement(
      `INSERT INTO ${challenges} (id, user_id, factor_id, number, created_at, expires_at, context, status, resolved_at, resolved_by, evidence, consumed_at, notice_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13)`,
    ),
    getChallenge: statement(`SELECT ${CHALLENGE} FROM ${challenges} WHERE id = $1`),
    listOpen: statement(
      `SELECT ${CHALLENGE} FROM ${challenges} WHERE user_id = $1 AND status = 'pending' AND $2 < expires_at ORDER BY created_at, seq`,
    ),
    resolve: statement(
      `UPDATE ${challenges} SET status = $1, resolved_at = $2, resolved_by = $3, evidence = $4
       WHERE id = $5 AND status = 'pending' AND $2 < expires_at AND ${enabledDevice('$3')}`,
    ),
    consume: statement(
      `UPDATE ${challenges} c SET consumed_at = $1
       WHERE c.id = $2 AND c.status = 'approved' AND c.consumed_at IS NULL AND ${enabledDevice('c.resolved_by')}`,
    ),
    listUnseenFraud: statement(
      `SELECT ${CHALLENGE} FROM ${challenges} WHERE user_id = $1 AND status = 'fraud' AND notice_seen_at IS NULL ORDER BY created_at, seq`,
    ),
    markFraudSeen: statement(`UPDATE ${challenges} SET notice_seen_at = $1 WHERE user_id = $2 AND status = 'fraud' AND notice_seen_at IS NULL`),
    // Inserts a new nonce, or takes over an expired one; a live duplicate changes no row.
    insertNonce: statement(
      `INSERT INTO ${nonces} AS n (scope, nonce, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (scope, nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE n.expires_at <= $4`,
    ),
  };
}
