// What store-scale.bench.ts and its server processes (store-scale-server.ts) tell each other.

/** Users that verify during the runs (the rest of the enrolled users are rows in the tables). */
export const ACTIVE_USERS = 2_000;

/**
 * A user may use each time step once (replay refusal), so at real time 2 000 users could verify
 * about 2 000 times per 30 s. Servers and load generator share a clock running this much faster:
 * a step lasts 0.5 s, and the users, taken in turn, come round again a step or more later.
 */
export const SPEED = 60;

/** The shared fast clock (ms): real time since `origin` (the bench's start), sped up. */
export const fastNow = (origin: number, real = Date.now()): number => origin + (real - origin) * SPEED;

export interface ServerConfig {
  kind: 'sqlite' | 'postgres' | 'bare';
  /** Factors in the store: ACTIVE_USERS real ones, the rest bulk-seeded rows of other users. */
  enrolled: number;
  /** The clock's origin. */
  origin: number;
  /** With kind 'postgres': the database. */
  databaseUrl?: string;
}

export type ServerMessage =
  | { type: 'ready'; url: string; secrets: string[]; fields: Record<string, string>; seedMs: number }
  /** One fresh half-signed-in session per user number asked for, in that order. */
  | { type: 'seeded'; cookies: string[] };
