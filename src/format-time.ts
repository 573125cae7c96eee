/** 2024-05-01 */
export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** 2024-05-01 13:45 UTC, or 'never' */
export function formatMinute(ms: number | null): string {
  return ms === null ? 'never' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
