import { slowHash, slowHashMatches } from '../crypto/slow-hash.js';
import type { RandomSource } from '../crypto/random.js';
import { InvalidInputError } from '../errors.js';
import { rateLimitKeys } from '../policy/rate-limit-keys.js';
import type { StoreWith } from '../stores/mfa-store.js';
import type { PushDeviceRecord } from '../stores/push-records.js';

/** Longer than any lifetime of a device: a PIN failure streak only ends with a correct PIN. */
const STREAK_MS = 100 * 365 * 24 * 60 * 60_000;

/**
 * What a PIN check found: no PIN needed or the right one; a wrong one with `attemptsLeft` before
 * the device is disabled (0: it must be disabled now); or no attempt left to judge it with.
 */
export type PinVerdict = { ok: true } | { ok: false; attemptsLeft: number; judged: boolean };

/**
 * The approval PIN: exactly `length` ASCII digits, stored as a scrypt hash, with consecutive
 * failures counted per device in the store; `maxFailures` in a row disable the device.
 */
export class PinPolicy {
  constructor(
    private readonly store: StoreWith<'rateLimits' | 'push'>,
    private readonly settings: { length: number; maxFailures: number },
    private readonly clock: () => number,
    private readonly random: RandomSource,
  ) {}

  /** Checks a new PIN and its confirmation; throws InvalidInputError with what to fix. */
  validateNew(pin: unknown, confirm: unknown): string {
    const { length } = this.settings;
    if (typeof pin !== 'string' || !new RegExp(`^[0-9]{${length}}$`).test(pin)) {
      throw new InvalidInputError(`Choose a PIN of exactly ${length} digits.`, 'pin_malformed');
    }
    if (/^(\d)\1+$/.test(pin) || '0123456789012'.includes(pin) || '9876543210987'.includes(pin)) {
      throw new InvalidInputError('That PIN is too easy to guess. Avoid repeated or consecutive digits.', 'pin_weak');
    }
    if (confirm !== pin) throw new InvalidInputError('The two PINs do not match.', 'pin_mismatch');
    return pin;
  }

  hash(pin: string): Promise<string> {
    return slowHash(pin, this.random);
  }

  /**
   * Judges `pin` against the device's hash. The attempt is reserved in the store (one atomic
   * counted hit, limited to `maxFailures`) before the slow hash runs, so however many answers
   * arrive at once, at most `maxFailures` PINs are ever judged between two correct ones: the hit
   * stays counted when the PIN is wrong and is forgotten when it is right.
   */
  async check(device: PushDeviceRecord, pin: unknown): Promise<PinVerdict> {
    if (device.pinHash === null) return { ok: true };
    const key = rateLimitKeys.pushPinFailureByDevice(device.id);
    const { maxFailures } = this.settings;
    const reserved = await this.store.rateLimits.hit(key, STREAK_MS, this.clock(), maxFailures);
    if (!reserved.counted) return { ok: false, attemptsLeft: 0, judged: false };
    if (typeof pin === 'string' && pin.length <= 64 && (await slowHashMatches(pin, device.pinHash))) {
      await this.store.rateLimits.delete(key);
      return { ok: true };
    }
    return { ok: false, attemptsLeft: maxFailures - reserved.count, judged: true };
  }
}
