/** Copies of one user's records, oldest first; the stable sort keeps insertion order for ties, as SqliteStore's rowid does. */
export function oldestFirst<T extends { userId: string; createdAt: number }>(records: Iterable<T>, userId: string): T[] {
  return [...records]
    .filter((r) => r.userId === userId)
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((r) => structuredClone(r));
}
