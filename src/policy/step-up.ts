import { z } from 'zod';
import { ConfigurationError } from '../errors.js';
import { parseDuration } from './duration.js';

/** What `mfa.requireSecondFactor(options)` accepts. */
export interface StepUpOptions {
  /**
   * The second step must have completed at most this long ago ('30s', '5m', '1h', '1d');
   * an older one verifies again and comes back to the same URL. @default none (any age)
   */
  maxAge?: string;
  /** Only a phishing-resistant step counts (a security key or passkey). @default false */
  phishingResistant?: boolean;
}

export interface StepUpRequirement {
  maxAgeMs: number | null;
  phishingResistant: boolean;
}

/** What a session's completed step lacks for a requirement, if anything. */
export type UnmetRequirement = 'max_age' | 'phishing_resistant';

const schema = z
  .object({ maxAge: z.unknown().optional(), phishingResistant: z.boolean().optional() })
  .strict();

/** Validates the guard's options when the host builds its routes (startup), not per request. */
export function resolveStepUp(options: StepUpOptions = {}): StepUpRequirement {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new ConfigurationError(`requireSecondFactor(): invalid options:\n${problems.join('\n')}`);
  }
  const { maxAge, phishingResistant } = parsed.data;
  return {
    maxAgeMs: maxAge === undefined ? null : parseDuration(maxAge, 'requireSecondFactor(): maxAge'),
    phishingResistant: phishingResistant ?? false,
  };
}

/**
 * Which part of `requirement` the completed step does not meet at `now`. A step dated in the
 * future (clocks of two instances disagree) counts as just completed rather than as expired.
 */
export function unmetRequirement(
  requirement: StepUpRequirement,
  completed: { at: number; phishingResistant: boolean },
  now: number,
): UnmetRequirement | null {
  if (requirement.phishingResistant && !completed.phishingResistant) return 'phishing_resistant';
  if (requirement.maxAgeMs !== null && now - completed.at > requirement.maxAgeMs) return 'max_age';
  return null;
}

/** True when no requirement beyond "the second step was completed" is set. */
export function isPlain(requirement: StepUpRequirement): boolean {
  return requirement.maxAgeMs === null && !requirement.phishingResistant;
}
