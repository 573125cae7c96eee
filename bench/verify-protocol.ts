// What verify.bench.ts and its server processes (verify-server-*.ts) tell each other, and the
// clock they share.

/** Users enrolled on every system. */
export const USERS = 400;

/**
 * passport-mfa refuses a code of a time step it already accepted, so at real time 400 users could
 * verify only about 400 times per 30 s. Its server therefore runs on a counted clock: it moves
 * one time step per USERS verification requests received, and the load generator sends the users
 * in turn, request k carrying user k mod USERS's code of step `requestStep(k)`, which is one step
 * ahead of the server's or equal to it (at most 20 requests are in flight, and the server's steps
 * change half a turn apart from the generator's), so it is always inside the ±1 window and every
 * user's steps only grow, as a real user's would. The bare endpoint checks codes against the same
 * clock; the peers use real time (they accept a replayed code, so they need no new step).
 */
export const PERIOD_MS = 30_000;

/** Which clock a server checks codes against. */
export type CodeClock = 'counted' | 'real';

/** The time step the counted clock starts at (users enroll in it), from the bench's start time. */
export const startStep = (origin: number): number => Math.floor(origin / PERIOD_MS);

/**
 * The counted clock (ms) of a server that has received `received` verification requests from
 * `users` users in turn (store-scale.bench.ts runs the same clock with its own number of users).
 */
export function countedNow(origin: number, received: number, users = USERS): number {
  return (startStep(origin) + Math.floor((received + users / 2) / users)) * PERIOD_MS + PERIOD_MS / 2;
}

/** The step whose code the k-th verification request (from 0) of a counted-clock server of `users` users carries. */
export function requestStep(origin: number, k: number, users = USERS): number {
  return startStep(origin) + 1 + Math.floor(k / users);
}

/** One half-signed-in session (password step done, second step pending) of user `user`. */
export interface SeededSession {
  user: number;
  /** The Cookie header of the session. */
  cookie: string;
  /** Form or JSON fields the verification sends besides the code (e.g. the CSRF token). */
  fields: Record<string, string>;
}

export type VerifyServerMessage =
  | {
      type: 'ready';
      /** The verification endpoint (POST). */
      url: string;
      /** Each user's TOTP seed (base32), by user number. */
      secrets: string[];
      clock: CodeClock;
      /** The status of a successful verification. */
      success: number;
      body: 'form' | 'json';
      /** Headers every verification sends (e.g. Origin). */
      headers: Record<string, string>;
    }
  | { type: 'seeded'; sessions: SeededSession[] };

/** The command asking a server for `count` new half-signed-in sessions. */
export const seedCommand = (count: number): string => `seed ${count}`;
export const parseSeedCommand = (command: string): number | null => (/^seed (\d+)$/.exec(command) ? Number(command.slice(5)) : null);
