import type { CompleteStore } from '../stores/guarded-store.js';

/** Whether the user has a confirmed second factor. */
export async function isEnrolled(store: CompleteStore, userId: string): Promise<boolean> {
  return (await store.core.listFactors(userId)).some((f) => f.confirmedAt !== null);
}
