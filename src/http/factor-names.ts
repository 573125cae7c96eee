import type { FactorRecord } from '../stores/facets/core.js';
import type { Pages } from './pages.js';

/** The name Security info shows for a factor: its method's own detail (a phone's name until renamed), else its label. */
export async function shownName(pages: Pick<Pages, 'registry'>, factor: FactorRecord): Promise<string> {
  return (await pages.registry.ownerOf(factor)?.parts.securityInfo?.row?.(factor))?.detail ?? factor.label;
}

/** "Backup phone (+1 555…)": the method, and which one of it. */
export async function describeFactor(pages: Pick<Pages, 'registry'>, factor: FactorRecord): Promise<string> {
  const detail = await shownName(pages, factor);
  const method = pages.registry.nameOf(factor.type);
  return detail && detail !== method ? `${method} (${detail})` : method;
}
