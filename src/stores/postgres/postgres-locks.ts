import { statement } from './pg-db.js';
import type { Queryable } from './pg-db.js';
import type { PostgresNames } from './postgres-names.js';

const LOCK = statement('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))');

/**
 * Takes the transaction-scoped advisory lock of one user's `concern` (e.g. their app passwords),
 * held until commit or rollback: the write lock a transaction takes before it counts or replaces
 * a user's rows. Two users whose keys hash alike merely wait on each other.
 */
export async function lockUser(tx: Queryable, n: PostgresNames, concern: string, userId: string): Promise<void> {
  await tx.rows(LOCK, [`${n.lockKey}:${concern}`, userId]);
}
