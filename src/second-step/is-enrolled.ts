import type { MfaStore } from '../stores/store.js';

/** Whether the user has a confirmed second factor. */
export async function isEnrolled(store: MfaStore, userId: string): Promise<boolean> {
  return (await store.listFactors(userId)).some((f) => f.confirmedAt !== null);
}
