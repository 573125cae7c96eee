import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PushApi } from '../methods/push/index.js';
import type { ResolvedOptions } from '../options.js';
import type { CompleteStore } from '../stores/guarded-store.js';
import { openStreamToken } from '../push/stream-token.js';
import { challengeTopic } from '../push/wakeup.js';
import { pollDelayMs } from '../transports/wakeup.js';
import { pushOutcome } from '../push/push-outcome.js';
import type { PushEventStatus } from '../push/push-outcome.js';

/** A plain Node middleware: runs before (and without) express-session, Passport and Express's Router. */
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

const TICK_MS = 500;
/** A comment line every 20 s. */
const HEARTBEAT_TICKS = 40;
const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
};

/** Everyone watching one challenge: one wake-up subscription however many tabs wait on it. */
interface Watch {
  expiresAt: number;
  /** The tick of the last store read: a watch is re-read once `pollIntervalMs` passed without one. */
  readAtTick: number;
  waiters: Set<ServerResponse>;
  unsubscribe: () => void;
}

/**
 * `GET <basePath>/push-events/<token>`: the waiting page's result stream, authorised by the
 * capability token in the URL (see stream-token.ts) instead of a session, so a waiting browser
 * costs an open socket and a set entry. A wake-up re-reads the store, which stays the single
 * source of truth; one shared ticker sends heartbeats, ends streams whose challenge expired, and
 * re-reads each challenge not read for `push.pollIntervalMs` (every second while a shared wake-up
 * transport is disconnected), so an answer whose wake-up never came still arrives within seconds.
 */
export function createPushStreams(deps: { options: ResolvedOptions; store: CompleteStore; push: PushApi | null }): NodeMiddleware {
  const { options, store, push } = deps;
  if (!push) return (_req, _res, next) => next();
  const prefix = `${options.basePath}/push-events/`;
  const watches = new Map<string, Watch>();
  let ticker: NodeJS.Timeout | null = null;
  let ticks = 0;

  /** Ends every stream of a challenge, with its result when there is one (none after a store failure). */
  const finish = (id: string, status: PushEventStatus | null): void => {
    const watch = watches.get(id);
    if (!watch) return;
    watches.delete(id);
    watch.unsubscribe();
    const last = status ? `event: result\ndata: ${JSON.stringify({ status })}\n\n` : undefined;
    for (const res of watch.waiters) res.end(last);
    if (watches.size === 0 && ticker) {
      clearInterval(ticker);
      ticker = null;
    }
  };

  const recheck = (id: string): void => {
    const watch = watches.get(id);
    if (!watch) return;
    watch.readAtTick = ticks;
    store.push.getChallenge(id).then(
      (challenge) => {
        const status = pushOutcome(challenge, options.clock());
        if (status) finish(id, status);
      },
      () => finish(id, null),
    );
  };

  const tick = (): void => {
    const now = options.clock();
    const heartbeat = ++ticks % HEARTBEAT_TICKS === 0;
    const dueTicks = Math.max(1, Math.floor(pollDelayMs(options.wakeup, options.push.pollIntervalMs) / TICK_MS));
    for (const [id, watch] of watches) {
      // Proxies drop connections that stay silent; a comment line keeps them open.
      if (heartbeat) for (const res of watch.waiters) res.write(': waiting\n\n');
      if (watch.expiresAt <= now || ticks - watch.readAtTick >= dueTicks) recheck(id);
    }
  };

  const leave = (id: string, res: ServerResponse): void => {
    const watch = watches.get(id);
    if (!watch?.waiters.delete(res) || watch.waiters.size > 0) return;
    finish(id, null);
  };

  return (req, res, next) => {
    const url = req.url ?? '';
    if (req.method !== 'GET' || !url.startsWith(prefix)) return next();
    const claims = openStreamToken(push.streamTokenKey, url.slice(prefix.length).split('?')[0]!, options.clock());
    // Forged, expired and foreign tokens all get the same bare 404.
    if (!claims) return void res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end('Not Found');
    const id = claims.challengeId;
    res.writeHead(200, STREAM_HEADERS);
    res.write(': waiting\n\n');
    let watch = watches.get(id);
    if (!watch) {
      watch = { expiresAt: claims.expiresAt, readAtTick: ticks, waiters: new Set(), unsubscribe: options.wakeup.subscribe(challengeTopic(id), () => recheck(id)) };
      watches.set(id, watch);
      ticker ??= setInterval(tick, TICK_MS).unref();
    }
    watch.waiters.add(res);
    res.once('close', () => leave(id, res));
    // Subscribed before reading: an answer that lands in between still wakes this stream.
    recheck(id);
  };
}
