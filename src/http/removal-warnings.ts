import type { FactorRecord } from '../stores/facets/core.js';

/**
 * What deleting `factor` costs its user, said plainly on the page that asks first: deleting the
 * only method, or the one they signed in with most recently (the one they rely on), is called out.
 */
export function removalWarnings(factor: FactorRecord, confirmed: readonly FactorRecord[]): string[] {
  const others = confirmed.filter((f) => f.id !== factor.id);
  if (others.length === 0) {
    return ['This is your only sign-in method. Without it, your password alone lets anyone who knows it sign in, and you will be asked to set up a method again at your next sign-in.'];
  }
  const latest = confirmed.reduce<FactorRecord | null>((best, f) => (f.lastUsedAt !== null && (best === null || f.lastUsedAt > (best.lastUsedAt ?? 0)) ? f : best), null);
  if (latest?.id === factor.id) {
    return ['This is the method you signed in with most recently. Make sure you can use one of your other methods before you delete it.'];
  }
  return [];
}
