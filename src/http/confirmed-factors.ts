import type { FactorRecord } from '../stores/facets/core.js';
import type { Pages } from './pages.js';

/** The user's confirmed factors (a half-set-up one is not a method yet), read once for the whole page. */
export async function confirmedFactors(pages: Pick<Pages, 'store'>, userId: string): Promise<FactorRecord[]> {
  return (await pages.store.core.listFactors(userId)).filter((f) => f.confirmedAt !== null);
}
