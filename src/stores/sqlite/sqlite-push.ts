import type Database from 'better-sqlite3';
import type { PushStore } from '../facets/push.js';
import type { PublicJwk, PushChallengeRecord, PushDeviceRecord, PushResolution } from '../push-records.js';

interface DeviceRow {
  id: string;
  user_id: string;
  activation_code_hash: string;
  activation_expires_at: number;
  activated_at: number | null;
  public_key: string | null;
  name: string | null;
  pin_hash: string | null;
  disabled_at: number | null;
  created_at: number;
}

interface ChallengeRow {
  id: string;
  user_id: string;
  factor_id: string | null;
  number: string;
  created_at: number;
  expires_at: number;
  context: string;
  status: PushChallengeRecord['status'];
  resolved_at: number | null;
  resolved_by: string | null;
  evidence: string | null;
  consumed_at: number | null;
  notice_seen_at: number | null;
}

const DEVICE_COLUMNS =
  'id, user_id, activation_code_hash, activation_expires_at, activated_at, public_key, name, pin_hash, disabled_at, created_at';
const CHALLENGE_COLUMNS =
  'id, user_id, factor_id, number, created_at, expires_at, context, status, resolved_at, resolved_by, evidence, consumed_at, notice_seen_at';

/**
 * SqliteStore's push facet (schema migration 4). Every atomic operation is one conditional
 * statement, which SQLite serialises across every process that opens the file.
 */
export class SqlitePush implements PushStore {
  readonly #sql: ReturnType<typeof prepare>;

  constructor(db: Database.Database, prefix: string) {
    this.#sql = prepare(db, prefix);
  }

  async createDevice(d: PushDeviceRecord): Promise<void> {
    this.#sql.insertDevice.run(
      d.id, d.userId, d.activationCodeHash, d.activationExpiresAt, d.activatedAt,
      d.publicKey === null ? null : JSON.stringify(d.publicKey), d.name, d.pinHash, d.disabledAt, d.createdAt,
    );
  }

  async getDevice(id: string): Promise<PushDeviceRecord | null> {
    const row = this.#sql.getDevice.get(id);
    return row ? toDevice(row) : null;
  }

  async activateDevice(id: string, a: { publicKey: PublicJwk; name: string | null; now: number }): Promise<boolean> {
    return this.#sql.activateDevice.run(a.now, JSON.stringify(a.publicKey), a.name, id, a.now).changes === 1;
  }

  async setDevicePin(id: string, pinHash: string | null): Promise<boolean> {
    return this.#sql.setPin.run(pinHash, id).changes === 1;
  }

  async disableDevice(id: string, now: number): Promise<void> {
    this.#sql.disableDevice.run(now, id);
  }

  async createChallenge(c: PushChallengeRecord): Promise<void> {
    this.#sql.insertChallenge.run(
      c.id, c.userId, c.factorId, c.number, c.createdAt, c.expiresAt, JSON.stringify(c.context), c.status,
      c.resolvedAt, c.resolvedBy, c.evidence, c.consumedAt, c.noticeSeenAt,
    );
  }

  async getChallenge(id: string): Promise<PushChallengeRecord | null> {
    const row = this.#sql.getChallenge.get(id);
    return row ? toChallenge(row) : null;
  }

  async listOpenChallenges(userId: string, now: number): Promise<PushChallengeRecord[]> {
    return this.#sql.listOpen.all(userId, now).map(toChallenge);
  }

  async resolveChallenge(id: string, r: PushResolution): Promise<boolean> {
    return this.#sql.resolve.run({ id, status: r.status, now: r.now, deviceId: r.deviceId, evidence: r.evidence }).changes === 1;
  }

  async consumeChallenge(id: string, now: number): Promise<boolean> {
    return this.#sql.consume.run(now, id).changes === 1;
  }

  async listUnseenFraudReports(userId: string): Promise<PushChallengeRecord[]> {
    return this.#sql.listUnseenFraud.all(userId).map(toChallenge);
  }

  async markFraudReportsSeen(userId: string, now: number): Promise<void> {
    this.#sql.markFraudSeen.run(now, userId);
  }

  async consumeNonce(scope: string, nonce: string, expiresAt: number, now: number): Promise<boolean> {
    const fresh = this.#sql.insertNonce.run({ scope, nonce, expiresAt, now }).changes === 1;
    // Keeps the table to roughly one window of nonces; indexed, so cheap.
    if (fresh) this.#sql.purgeNonces.run(now);
    return fresh;
  }
}

function prepare(db: Database.Database, p: string) {
  const devices = `${p}push_devices`;
  const challenges = `${p}push_challenges`;
  const nonces = `${p}push_nonces`;
  return {
    insertDevice: db.prepare<unknown[]>(`INSERT INTO ${devices} (${DEVICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    getDevice: db.prepare<[string], DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM ${devices} WHERE id = ?`),
    activateDevice: db.prepare<[number, string, string | null, string, number]>(
      `UPDATE ${devices} SET activated_at = ?, public_key = ?, name = ?
       WHERE id = ? AND activated_at IS NULL AND ? < activation_expires_at`,
    ),
    setPin: db.prepare<[string | null, string]>(`UPDATE ${devices} SET pin_hash = ? WHERE id = ?`),
    disableDevice: db.prepare<[number, string]>(`UPDATE ${devices} SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL`),
    insertChallenge: db.prepare<unknown[]>(
      `INSERT INTO ${challenges} (${CHALLENGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    getChallenge: db.prepare<[string], ChallengeRow>(`SELECT ${CHALLENGE_COLUMNS} FROM ${challenges} WHERE id = ?`),
    listOpen: db.prepare<[string, number], ChallengeRow>(
      `SELECT ${CHALLENGE_COLUMNS} FROM ${challenges}
       WHERE user_id = ? AND status = 'pending' AND ? < expires_at ORDER BY created_at, rowid`,
    ),
    // Only a device that is still enabled at this very statement may end a challenge.
    resolve: db.prepare<{ id: string; status: string; now: number; deviceId: string; evidence: string | null }>(
      `UPDATE ${challenges} SET status = @status, resolved_at = @now, resolved_by = @deviceId, evidence = @evidence
       WHERE id = @id AND status = 'pending' AND @now < expires_at
         AND EXISTS (SELECT 1 FROM ${devices} WHERE id = @deviceId AND disabled_at IS NULL)`,
    ),
    // The approving device must still be enabled when the approval is used.
    consume: db.prepare<[number, string]>(
      `UPDATE ${challenges} SET consumed_at = ?
       WHERE id = ? AND status = 'approved' AND consumed_at IS NULL
         AND EXISTS (SELECT 1 FROM ${devices} WHERE id = ${challenges}.resolved_by AND disabled_at IS NULL)`,
    ),
    listUnseenFraud: db.prepare<[string], ChallengeRow>(
      `SELECT ${CHALLENGE_COLUMNS} FROM ${challenges}
       WHERE user_id = ? AND status = 'fraud' AND notice_seen_at IS NULL ORDER BY created_at, rowid`,
    ),
    markFraudSeen: db.prepare<[number, string]>(
      `UPDATE ${challenges} SET notice_seen_at = ? WHERE user_id = ? AND status = 'fraud' AND notice_seen_at IS NULL`,
    ),
    // Inserts a new nonce, or takes over an expired one; a live duplicate changes no row.
    insertNonce: db.prepare<{ scope: string; nonce: string; expiresAt: number; now: number }>(
      `INSERT INTO ${nonces} (scope, nonce, expires_at) VALUES (@scope, @nonce, @expiresAt)
       ON CONFLICT (scope, nonce) DO UPDATE SET expires_at = excluded.expires_at WHERE ${nonces}.expires_at <= @now`,
    ),
    purgeNonces: db.prepare<[number]>(`DELETE FROM ${nonces} WHERE expires_at <= ?`),
  };
}

function toDevice(row: DeviceRow): PushDeviceRecord {
  return {
    id: row.id,
    userId: row.user_id,
    activationCodeHash: row.activation_code_hash,
    activationExpiresAt: row.activation_expires_at,
    activatedAt: row.activated_at,
    publicKey: row.public_key === null ? null : (JSON.parse(row.public_key) as PublicJwk),
    name: row.name,
    pinHash: row.pin_hash,
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
  };
}

function toChallenge(row: ChallengeRow): PushChallengeRecord {
  return {
    id: row.id,
    userId: row.user_id,
    factorId: row.factor_id,
    number: row.number,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    context: JSON.parse(row.context) as PushChallengeRecord['context'],
    status: row.status,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    evidence: row.evidence,
    consumedAt: row.consumed_at,
    noticeSeenAt: row.notice_seen_at,
  };
}
