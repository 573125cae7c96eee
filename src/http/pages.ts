import type { Emit } from '../events.js';
import type { MethodRegistry } from '../methods/registry.js';
import type { ResolvedOptions } from '../options.js';
import type { SessionGenerations } from '../policy/session-generation.js';
import type { CompleteStore } from '../stores/guarded-store.js';
import type { ViewRenderer } from './views.js';

/** What the router's pages share: the options, the store, the templates, the methods and the audit hook. */
export interface Pages {
  options: ResolvedOptions;
  /** The host's store, wrapped so backend failures become 503 StoreUnavailableError. */
  store: CompleteStore;
  views: ViewRenderer;
  registry: MethodRegistry;
  /** The per-user session generations: checks, stamps and revocations. */
  sessions: SessionGenerations;
  /** Ends every signed-in session of a user and reports it (`reason` goes into the event). */
  revokeSessions(userId: string, reason: string): Promise<void>;
  emit: Emit;
}
