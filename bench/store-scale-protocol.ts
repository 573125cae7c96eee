// What store-scale.bench.ts and its server processes (store-scale-server.ts) tell each other, and
// the clock they share.
import { countedNow as verifyCountedNow, PERIOD_MS, requestStep } from './verify-protocol.js';

/** Users that verify during the runs: all of them with 1 000 enrolled, a thousandth of 1 000 000. */
export const ACTIVE_USERS = 1_000;

/**
 * A user may use each time step once (replay refusal), so at real time 1 000 users could verify
 * about 1 000 times per 30 s. The servers therefore run on verify.bench.ts's counted clock
 * (verify-protocol.ts: countedNow and requestStep with ACTIVE_USERS users): it moves one time step
 * per ACTIVE_USERS verification requests received while the load generator sends the users in
 * turn, so every code is inside the ±1 window and each user's steps only grow.
 */
export const countedNow = (origin: number, received: number): number => verifyCountedNow(origin, received, ACTIVE_USERS);

/** The time (ms) whose code the k-th verification request (from 0) to a server carries. */
export const requestTime = (origin: number, k: number): number => requestStep(origin, k, ACTIVE_USERS) * PERIOD_MS;

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
