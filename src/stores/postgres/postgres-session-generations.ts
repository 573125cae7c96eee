import type { SessionGenerationStore } from '../facets/session-generations.js';
import { statement } from './pg-db.js';
import type { PgDb } from './pg-db.js';
import type { PostgresNames } from './postgres-names.js';

/** PostgresStore's session generations: one upsert per bump, so parallel bumps each get their own value. */
export class PostgresSessionGenerations implements SessionGenerationStore {
  readonly #db: PgDb;
  readonly #get;
  readonly #bump;

  constructor(db: PgDb, n: PostgresNames) {
    const t = n.table('session_generations');
    this.#db = db;
    this.#get = statement(`SELECT generation FROM ${t} WHERE user_id = $1`);
    this.#bump = statement(
      `INSERT INTO ${t} AS g (user_id, generation) VALUES ($1, 1)
       ON CONFLICT (user_id) DO UPDATE SET generation = g.generation + 1 RETURNING generation`,
    );
  }

  async get(userId: string): Promise<number> {
    return (await this.#db.rows<{ generation: number }>(this.#get, [userId]))[0]?.generation ?? 0;
  }

  async bump(userId: string): Promise<number> {
    return (await this.#db.rows<{ generation: number }>(this.#bump, [userId]))[0]!.generation;
  }
}
