import { ConfigurationError } from '../errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^([1-9][0-9]{0,8})(ms|s|m|h|d)$/;

/**
 * Reads a duration written as an integer and a unit ('90s', '5m', '1h', '2d', '500ms') into
 * milliseconds. A bare number is refused on purpose: seconds (OIDC max_age) and milliseconds
 * (express-session maxAge) are both common, and a guess either way is a factor of 1000 wrong.
 * `what` names the option in the ConfigurationError.
 */
export function parseDuration(value: unknown, what: string): number {
  const match = typeof value === 'string' ? DURATION.exec(value.trim()) : null;
  if (!match) {
    throw new ConfigurationError(
      `${what}: ${JSON.stringify(value) ?? String(value)} is not a duration; write a whole number and a unit, e.g. '30s', '5m', '1h' or '1d'`,
    );
  }
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
