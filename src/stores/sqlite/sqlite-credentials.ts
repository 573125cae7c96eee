import type Database from 'better-sqlite3';
import type { CredentialRecord, CredentialStore } from '../facets/credentials.js';

interface CredentialRow {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: Buffer;
  counter: number;
  transports: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

const COLUMNS = 'id, user_id, credential_id, public_key, counter, transports, name, created_at, last_used_at';

/**
 * SqliteStore's credentials facet (table `credentials`, schema migration 6). create() and
 * acceptUse() are single conditional statements, atomic across processes sharing the file.
 */
export class SqliteCredentials implements CredentialStore {
  readonly #sql: ReturnType<typeof prepare>;

  constructor(db: Database.Database, prefix: string) {
    this.#sql = prepare(db, prefix);
  }

  async create(c: CredentialRecord): Promise<boolean> {
    return this.#sql.insert.run({
      id: c.id, userId: c.userId, credentialId: c.credentialId,
      publicKey: Buffer.from(c.publicKey.buffer, c.publicKey.byteOffset, c.publicKey.byteLength),
      counter: c.counter, transports: JSON.stringify(c.transports), name: c.name, createdAt: c.createdAt, lastUsedAt: c.lastUsedAt,
    }).changes === 1;
  }

  async findByCredentialId(credentialId: string): Promise<CredentialRecord | null> {
    const row = this.#sql.findByCredentialId.get(credentialId);
    return row ? toRecord(row) : null;
  }

  async list(userId: string): Promise<CredentialRecord[]> {
    return this.#sql.list.all(userId).map(toRecord);
  }

  async acceptUse(id: string, counter: number, now: number): Promise<boolean> {
    return this.#sql.acceptUse.run({ id, counter, now }).changes === 1;
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    return this.#sql.rename.run(name, id, userId).changes === 1;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return this.#sql.delete.run(id, userId).changes === 1;
  }
}

function prepare(db: Database.Database, p: string) {
  const table = `${p}credentials`;
  return {
    // A credential id registered before (to anyone) inserts nothing; a duplicate `id` still throws.
    insert: db.prepare<Record<string, unknown>>(
      `INSERT INTO ${table} (${COLUMNS})
       VALUES (@id, @userId, @credentialId, @publicKey, @counter, @transports, @name, @createdAt, @lastUsedAt)
       ON CONFLICT (credential_id) DO NOTHING`,
    ),
    findByCredentialId: db.prepare<[string], CredentialRow>(`SELECT ${COLUMNS} FROM ${table} WHERE credential_id = ?`),
    list: db.prepare<[string], CredentialRow>(`SELECT ${COLUMNS} FROM ${table} WHERE user_id = ? ORDER BY created_at, rowid`),
    acceptUse: db.prepare<{ id: string; counter: number; now: number }>(
      `UPDATE ${table} SET counter = @counter, last_used_at = @now
       WHERE id = @id AND (counter < @counter OR (counter = 0 AND @counter = 0))`,
    ),
    rename: db.prepare<[string, string, string]>(`UPDATE ${table} SET name = ? WHERE id = ? AND user_id = ?`),
    delete: db.prepare<[string, string]>(`DELETE FROM ${table} WHERE id = ? AND user_id = ?`),
  };
}

function toRecord(row: CredentialRow): CredentialRecord {
  return {
    id: row.id,
    userId: row.user_id,
    credentialId: row.credential_id,
    publicKey: new Uint8Array(row.public_key),
    counter: row.counter,
    transports: JSON.parse(row.transports) as string[],
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
