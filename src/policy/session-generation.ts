import type { Wakeup } from '../transports/wakeup.js';
import type { CoreStore, FactorRecord } from '../stores/facets/core.js';
import type { SessionGenerationStore } from '../stores/facets/session-generations.js';
import { facetMethods } from '../stores/mfa-store.js';

/** What a session records when a step completes (or a sign-in starts), to be checked later. */
export interface SessionStamp {
  generation: number;
  /** The factor that completed the step; the session ends when it is deleted. Null: no factor to watch. */
  factorId: string | null;
}

export interface SessionGenerationsOptions {
  /** The store's sessionGenerations facet. */
  generations: SessionGenerationStore;
  /** The core store's factor list: a session ends with the factor it completed with. */
  factors: { listFactors(userId: string): Promise<FactorRecord[]> };
  /** Carries "this user's sessions changed" to every instance (the push wake-up channel). */
  wakeup: Wakeup;
  clock: () => number;
  /**
   * How long one instance trusts what it read, in ms, should a wake-up be lost: the longest a
   * revocation can take to be seen. 0 reads the store on every check.
   */
  cacheMs: number;
  /** Users whose state is kept at once; the oldest entry goes first beyond it. @default 10000 */
  maxUsers?: number;
}

interface Snapshot {
  generation: number;
  /** Ids of the user's confirmed factors: the ones a session can have completed with. */
  factorIds: ReadonlySet<string>;
}

/** From watch(), for stamp(): the user's entry and its version when the caller began reading. */
export interface SessionWatch {
  readonly entry: object;
  readonly version: number;
  readonly at: number;
}

interface Entry {
  snapshot: Snapshot | null;
  readAt: number;
  /** Bumped on every invalidation, so a read that began before one is not cached as current. */
  version: number;
  reading: Promise<Snapshot> | null;
  unsubscribe: () => void;
}

const DEFAULT_MAX_USERS = 10_000;

/** The wake-up topic of one user's sessions (beside push's `user:` and `challenge:` topics). */
export const sessionsTopic = (userId: string): string => `sessions:${userId}`;

/**
 * Decides whether a session's record is still good: its generation is the user's current one
 * and the factor it completed with still exists. Revoking moves the generation on in the store
 * and wakes every instance; each instance keeps what it read for at most `cacheMs`, so a
 * revocation is seen there within that time even if the wake-up is lost, and the per-request
 * cost is a map lookup. Store failures propagate: the caller refuses the request (fail closed).
 */
export class SessionGenerations {
  readonly #o: Required<SessionGenerationsOptions>;
  readonly #entries = new Map<string, Entry>();

  constructor(options: SessionGenerationsOptions) {
    this.#o = { maxUsers: DEFAULT_MAX_USERS, ...options };
  }

  /** Where this instance's view of the user's sessions stands now: take it before reading factors to pass to stamp(). */
  watch(userId: string): SessionWatch {
    const entry = this.#entry(userId);
    return { entry, version: entry.version, at: this.#o.clock() };
  }

  /**
   * The stamp to record now for `userId`, its generation read from the store itself (never from
   * the cache). A `factorId` that is no confirmed factor of the user (recovery codes keep no
   * factor record) is not watched: the stamp's factorId is then null. `read` is the user's
   * factors as the caller read them after `since` (the second step's own check): they are used
   * instead of a second read, so a factor deleted since that read still ends the session.
   */
  async stamp(userId: string, factorId: string | null, read?: { factors: readonly FactorRecord[]; since: SessionWatch }): Promise<SessionStamp> {
    const snapshot = read ? await this.#withFactors(userId, read.factors, read.since) : await this.#fresh(userId);
    return { generation: snapshot.generation, factorId: factorId !== null && snapshot.factorIds.has(factorId) ? factorId : null };
  }

  /**
   * Whether a session stamped `stamp` may go on. A stamp newer than what this instance holds
   * (the change was made elsewhere and its wake-up is still on the way) is checked against the
   * store before it is refused, so an honest session is never ended by a stale cache.
   */
  async isCurrent(userId: string, stamp: SessionStamp): Promise<boolean> {
    // A record from before generations existed, or tampered with in the session store.
    if (!Number.isSafeInteger(stamp.generation) || stamp.generation < 0) return false;
    const cached = await this.#cached(userId);
    const verdict = judge(cached.snapshot, stamp);
    if (verdict !== 'unsure' || cached.fresh) return verdict === 'current';
    return judge(await this.#fresh(userId), stamp) === 'current';
  }

  /**
   * What this instance holds says about the stamp, without reading the store (the per-request
   * fast path of the guard): true or false, or undefined when only isCurrent() can tell.
   */
  held(userId: string, stamp: SessionStamp): boolean | undefined {
    const snapshot = this.#young(this.#entries.get(userId));
    if (!snapshot || !Number.isSafeInteger(stamp.generation)) return undefined;
    const verdict = judge(snapshot, stamp);
    return verdict === 'unsure' ? undefined : verdict === 'current';
  }

  /** Ends every session of the user (the one that asks may re-stamp itself after); returns the new generation. */
  async revoke(userId: string): Promise<number> {
    const generation = await this.#o.generations.bump(userId);
    await this.#changed(userId);
    return generation;
  }

  /** A factor of the user was deleted: sessions completed with it end on their next request. */
  factorRemoved(userId: string): Promise<void> {
    return this.#changed(userId);
  }

  /**
   * The core facet, with every factor deletion followed by factorRemoved(): however a factor goes (Security info, a replaced phone, a method's own
   * page), the sessions completed with it end on their next request, on every instance.
   */
  watchRemovals(core: CoreStore): CoreStore {
    // Bound once here, not on every call: the result serves every request's factor reads.
    const passThrough = Object.fromEntries(facetMethods('core').map((method) => [method, core[method].bind(core)])) as unknown as CoreStore;
    return {
      ...passThrough,
      deleteFactor: async (userId, id) => {
        const deleted = await core.deleteFactor(userId, id);
        if (deleted) await this.factorRemoved(userId);
        return deleted;
      },
      deleteFactorUnlessLast: async (userId, id) => {
        const result = await core.deleteFactorUnlessLast(userId, id);
        if (result === 'deleted') await this.factorRemoved(userId);
        return result;
      },
    };
  }

  /** Stops listening for wake-ups (the instance is shutting down). */
  close(): void {
    for (const entry of this.#entries.values()) entry.unsubscribe();
    this.#entries.clear();
  }

  /** How many users' state this instance holds (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  /** The cached snapshot while young enough; otherwise one store read shared by concurrent callers. */
  async #cached(userId: string): Promise<{ snapshot: Snapshot; fresh: boolean }> {
    const entry = this.#entry(userId);
    const young = this.#young(entry);
    if (young) return { snapshot: young, fresh: false };
    return { snapshot: await (entry.reading ?? this.#load(userId, entry)), fresh: true };
  }

  /** The generation read now, with factors read since `since`; cached only if nothing changed since then. */
  async #withFactors(userId: string, factors: readonly FactorRecord[], since: SessionWatch): Promise<Snapshot> {
    const generation = await this.#o.generations.get(userId);
    const snapshot: Snapshot = { generation, factorIds: confirmedIds(factors) };
    const entry = this.#entries.get(userId);
    if (entry === since.entry && entry.version === since.version && since.at >= entry.readAt) {
      entry.snapshot = snapshot;
      entry.readAt = since.at;
    }
    return snapshot;
  }

  /** The entry's snapshot while it is younger than cacheMs (and not from the future), else null. */
  #young(entry: Entry | undefined): Snapshot | null {
    if (!entry?.snapshot) return null;
    const age = this.#o.clock() - entry.readAt;
    return age >= 0 && age < this.#o.cacheMs ? entry.snapshot : null;
  }

  /** A read of the store that starts now (a read already in flight may predate a change). */
  #fresh(userId: string): Promise<Snapshot> {
    return this.#load(userId, this.#entry(userId));
  }

  #load(userId: string, entry: Entry): Promise<Snapshot> {
    const version = entry.version;
    const startedAt = this.#o.clock();
    const reading = (async () => {
      const [generation, factors] = await Promise.all([
        this.#o.generations.get(userId),
        this.#o.factors.listFactors(userId),
      ]);
      const snapshot: Snapshot = { generation, factorIds: confirmedIds(factors) };
      // Cached only if nothing changed while reading and no later read finished first.
      if (entry.version === version && startedAt >= entry.readAt) {
        entry.snapshot = snapshot;
        entry.readAt = startedAt;
      }
      return snapshot;
    })();
    entry.reading = reading;
    const done = () => {
      if (entry.reading === reading) entry.reading = null;
    };
    reading.then(done, done);
    return reading;
  }

  #entry(userId: string): Entry {
    const existing = this.#entries.get(userId);
    if (existing) return existing;
    if (this.#entries.size >= this.#o.maxUsers) {
      const [oldestId, oldest] = this.#entries.entries().next().value as [string, Entry];
      oldest.unsubscribe();
      this.#entries.delete(oldestId);
    }
    const entry: Entry = { snapshot: null, readAt: 0, version: 0, reading: null, unsubscribe: () => {} };
    entry.unsubscribe = this.#o.wakeup.subscribe(sessionsTopic(userId), () => this.#invalidate(userId));
    this.#entries.set(userId, entry);
    return entry;
  }

  /** This instance forgets what it read of the user's sessions, and tells every other instance to. */
  async #changed(userId: string): Promise<void> {
    this.#invalidate(userId);
    await this.#o.wakeup.publish(sessionsTopic(userId));
  }

  #invalidate(userId: string): void {
    const entry = this.#entries.get(userId);
    if (!entry) return;
    entry.version++;
    entry.snapshot = null;
    // A read in flight began before the change: later callers must not join it.
    entry.reading = null;
  }
}

function confirmedIds(factors: readonly FactorRecord[]): ReadonlySet<string> {
  return new Set(factors.filter((f) => f.confirmedAt !== null).map((f) => f.id));
}

/**
 * 'current', 'stale' (revoked), or 'unsure': the stamp is newer than the snapshot, or names a
 * factor the snapshot lacks (deleted, or enrolled after the snapshot was read: a fresh read tells).
 */
function judge(snapshot: Snapshot, stamp: SessionStamp): 'current' | 'stale' | 'unsure' {
  if (stamp.generation < snapshot.generation) return 'stale';
  if (stamp.generation > snapshot.generation) return 'unsure';
  if (stamp.factorId !== null && !snapshot.factorIds.has(stamp.factorId)) return 'unsure';
  return 'current';
}
