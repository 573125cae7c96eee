import type Database from 'better-sqlite3';
import type { SessionGenerationStore } from '../facets/session-generations.js';

/** SqliteStore's session-generations facet (table `session_generations`, schema migration 6). */
export class SqliteSessionGenerations implements SessionGenerationStore {
  readonly #get: Database.Statement<[string], { generation: number }>;
  readonly #bump: Database.Statement<[string], { generation: number }>;

  constructor(db: Database.Database, p: string) {
    this.#get = db.prepare(`SELECT generation FROM ${p}session_generations WHERE user_id = ?`);
    this.#bump = db.prepare(
      `INSERT INTO ${p}session_generations (user_id, generation) VALUES (?, 1)
       ON CONFLICT (user_id) DO UPDATE SET generation = generation + 1
       RETURNING generation`,
    );
  }

  async get(userId: string): Promise<number> {
    return this.#get.get(userId)?.generation ?? 0;
  }

  async bump(userId: string): Promise<number> {
    return this.#bump.get(userId)!.generation;
  }
}
