import { formatMinute } from '../../format-time.js';
import type { MfaStore } from '../../stores/store.js';
import type { ViewPart } from '../method.js';

/** "This wasn't me" reports, shown once: on the next visit to the verify page after the report. */
export async function fraudNotices(store: MfaStore, clock: () => number, userId: string): Promise<ViewPart[]> {
  const reports = await store.listUnseenFraudReports(userId);
  if (reports.length === 0) return [];
  await store.markFraudReportsSeen(userId, clock());
  return reports.map((r) => ({ view: 'sign-in-push-notice', locals: { when: formatMinute(r.createdAt), ip: r.context.ip ?? 'unknown' } }));
}
