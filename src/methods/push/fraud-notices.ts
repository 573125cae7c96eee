import { formatMinute } from '../../format-time.js';
import type { CompleteStore } from '../../stores/guarded-store.js';
import type { ViewPart } from '../method.js';

/** "This wasn't me" reports, shown once: on the next visit to the verify page after the report. */
export async function fraudNotices(store: CompleteStore, clock: () => number, userId: string): Promise<ViewPart[]> {
  const reports = await store.push.listUnseenFraudReports(userId);
  if (reports.length === 0) return [];
  await store.push.markFraudReportsSeen(userId, clock());
  return reports.map((r) => ({ view: 'sign-in-push-notice', locals: { when: formatMinute(r.createdAt), ip: r.context.ip ?? 'unknown' } }));
}
