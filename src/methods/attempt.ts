import { PendingExpiredError } from '../errors.js';
import type { MfaError } from '../errors.js';
import type { Emit } from '../events.js';
import type { AmrValue } from '../policy/assurance.js';
import type { LockoutPolicy } from '../policy/lockout.js';
import type { CheckResult } from './method.js';

/** One proof of a second factor, run by AttemptRunner.run(). */
export interface Attempt {
  userId: string;
  ip: string | undefined;
  /** The method's id (the `method` of the events). */
  method: string;
  /** The method's check; runs only when the user is not locked out. */
  check(): Promise<CheckResult>;
  /**
   * Set for an enrollment: makes the checked factor count, in one atomic store step, and returns
   * the confirmed factor's id, or null when the setup was already finished or expired meanwhile.
   */
  confirm?(factorId: string): Promise<string | null>;
}

export type AttemptOutcome =
  | { ok: true; factorId: string; method: string; enrolled: boolean; amr?: AmrValue[] }
  | { ok: false; error: MfaError; reason: string };

/** What a failure is reported with: `reason` is the event's, the rest is added to it when known. */
export interface FailureReport {
  userId: string;
  ip: string | undefined;
  method: string;
  reason: string;
  factorId?: string;
  challengeId?: string;
}

/**
 * The one path every proof of a second factor takes, whatever the method: the lockout check,
 * the method's check, confirming an enrollment, resetting the failure count, and the audit
 * events. A locked user is refused even with a correct proof; every failure that is a guess
 * counts in the store, so the limit holds across sessions and instances. Store failures are
 * thrown (StoreUnavailableError), never turned into a pass.
 */
export class AttemptRunner {
  readonly #lockout: LockoutPolicy;
  readonly #emit: Emit;

  constructor(options: { lockout: LockoutPolicy; emit: Emit }) {
    this.#lockout = options.lockout;
    this.#emit = options.emit;
  }

  async run(attempt: Attempt): Promise<AttemptOutcome> {
    const { userId, ip, method } = attempt;
    const report = { userId, ip, method };
    const { state, locked } = await this.#lockout.check(userId);
    if (locked) return this.#reject({ ...report, reason: 'locked_out' }, locked);

    const result = await attempt.check();
    if (!result.ok) {
      const failure = { ...report, reason: result.reason };
      if (!result.counts) return this.#reject(failure, result.error);
      return { ok: false, error: await this.fail(failure, result.error), reason: result.reason };
    }

    let factorId = result.factorId;
    if (attempt.confirm) {
      const confirmed = await attempt.confirm(factorId);
      if (confirmed === null) {
        return this.#reject({ ...report, reason: 'pending_expired' }, new PendingExpiredError('This setup was already finished or expired. Start again.'));
      }
      factorId = confirmed;
      this.#emit({ type: 'factor.enrolled', userId, ip, factorId, method });
    }
    await this.#lockout.succeed(userId, state);
    this.#emit({ type: 'second_factor.succeeded', userId, ip, factorId, method });
    return { ok: true, factorId, method, enrolled: attempt.confirm !== undefined, ...(result.amr ? { amr: result.amr } : {}) };
  }

  /**
   * Counts one failed guess toward the lockout and reports it; returns the error to show: the
   * lockout that now applies, else `error`. Also for failures outside run(), such as a wrong
   * number typed on the push device.
   */
  async fail(report: FailureReport, error: MfaError): Promise<MfaError> {
    const nowLocked = await this.#lockout.fail(report.userId);
    this.#emit({ type: 'second_factor.failed', ...report });
    if (nowLocked) this.#emit({ type: 'second_factor.locked_out', userId: report.userId, ip: report.ip, method: report.method });
    return nowLocked ?? error;
  }

  /** Throws LockedOutError while the user is locked: for actions a locked user must not start (sending a code). */
  assertNotLocked(userId: string): Promise<void> {
    return this.#lockout.assertNotLocked(userId);
  }

  #reject(report: FailureReport, error: MfaError): AttemptOutcome {
    this.#emit({ type: 'second_factor.failed', ...report });
    return { ok: false, error, reason: report.reason };
  }
}

