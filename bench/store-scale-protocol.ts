// What store-scale.bench.ts and its server processes (store-scale-server.ts) tell each other, and
// the clock they share.

/** Users that verify during the runs: all of them with 1 000 enrolled, a thousandth of 1 000 000. */
export const ACTIVE_USERS = 1_000;

const PERIOD_MS = 30_000;

/**
 * A user may use each time step once (replay refusal), so at real time 1 000 users could verify
 * about 1 000 times per 30 s. The servers therefore run on a counted clock: it moves one time step
 * per ACTIVE_USERS verification requests received, and the load generator sends the users in
 * turn, request k carrying user k mod ACTIVE_USERS's code of step requestStep(k), which is the
 * server's step or one ahead of it (few requests are in flight, and the server's steps change
 * half a turn apart from the generator's): always inside the ±1 window, each user's steps growing.
 */
export function countedNow(origin: number, received: number): number {
  return (Math.floor(origin / PERIOD_MS) + Math.floor((received + ACTIVE_USERS / 2) / ACTIVE_USERS)) * PERIOD_MS + PERIOD_MS / 2;
}

/** The time (ms) whose code the k-th verification request (from 0) to a server carries. */
export function requestTime(origin: number, k: number): number {
  return (Math.floor(origin / PERIOD_MS) + 1 + Math.floor(k / ACTIVE_USERS)) * PERIOD_MS;
}

export interface ServerConfig {
  kind: 'sqlite' | 'postgres' | 'bare';
  /** Factors in the store: ACTIVE_USERS real ones, the rest bulk-seeded rows of other users. */
  enrolled: number;
  /** The counted clock's origin (the bench's start). */
  origin: number;
  /** With kind 'postgres': the database. */
  databaseUrl?: string;
}

export type ServerMessage =
  | { type: 'ready'; url: string; secrets: string[]; fields: Record<string, string>; seedMs: number }
  /** One fresh half-signed-in session per user number asked for, in that order. */
  | { type: 'seeded'; cookies: string[] };
