import type { CredentialRecord, CredentialStore } from '../facets/credentials.js';
import { selectList, statement } from './pg-db.js';
import type { PgDb } from './pg-db.js';
import type { PostgresNames } from './postgres-names.js';

const RECORD = selectList({
  id: 'id', userId: 'user_id', credentialId: 'credential_id', publicKey: 'public_key', counter: 'counter',
  transports: 'transports', name: 'name', createdAt: 'created_at', lastUsedAt: 'last_used_at',
});

/** A row as pg returns it: bytea arrives as a Buffer, handed out as the plain Uint8Array the contract promises. */
const toRecord = (row: CredentialRecord): CredentialRecord => ({ ...row, publicKey: new Uint8Array(row.publicKey) });

/** PostgresStore's WebAuthn credentials; `credential_id` is UNIQUE, so one authenticator never stands for two accounts. */
export class PostgresCredentials implements CredentialStore {
  readonly #db: PgDb;
  readonly #sql: ReturnType<typeof statements>;

  constructor(db: PgDb, n: PostgresNames) {
    this.#db = db;
    this.#sql = statements(n);
  }

  async create(c: CredentialRecord): Promise<boolean> {
    const inserted = await this.#db.count(this.#sql.insert, [
      c.id, c.userId, c.credentialId, Buffer.from(c.publicKey), c.counter, JSON.stringify(c.transports), c.name, c.createdAt, c.lastUsedAt,
    ]);
    return inserted === 1;
  }

  async findByCredentialId(credentialId: string): Promise<CredentialRecord | null> {
    const [row] = await this.#db.rows<CredentialRecord>(this.#sql.findByCredentialId, [credentialId]);
    return row ? toRecord(row) : null;
  }

  async list(userId: string): Promise<CredentialRecord[]> {
    return (await this.#db.rows<CredentialRecord>(this.#sql.list, [userId])).map(toRecord);
  }

  async acceptUse(id: string, counter: number, now: number): Promise<boolean> {
    return (await this.#db.count(this.#sql.acceptUse, [counter, now, id])) === 1;
  }

  async rename(userId: string, id: string, name: string): Promise<boolean> {
    return (await this.#db.count(this.#sql.rename, [name, id, userId])) === 1;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return (await this.#db.count(this.#sql.delete, [id, userId])) === 1;
  }
}

function statements(n: PostgresNames) {
  const t = n.table('credentials');
  return {
    // Only a second registration of the same authenticator is "no row"; a duplicate id still throws.
    insert: statement(
      `INSERT INTO ${t} (id, user_id, credential_id, public_key, counter, transports, name, created_at, last_used_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9) ON CONFLICT (credential_id) DO NOTHING`,
    ),
    findByCredentialId: statement(`SELECT ${RECORD} FROM ${t} WHERE credential_id = $1`),
    list: statement(`SELECT ${RECORD} FROM ${t} WHERE user_id = $1 ORDER BY created_at, seq`),
    acceptUse: statement(
      `UPDATE ${t} SET counter = $1, last_used_at = $2 WHERE id = $3 AND (counter < $1 OR (counter = 0 AND $1 = 0))`,
    ),
    rename: statement(`UPDATE ${t} SET name = $1 WHERE id = $2 AND user_id = $3`),
    delete: statement(`DELETE FROM ${t} WHERE id = $1 AND user_id = $2`),
  };
}
