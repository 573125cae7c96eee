// The server half of push-waiters.bench.ts (a child process): the example app with N signed-in
// sessions, each waiting on its own push challenge, and a way to approve them all at once.
// argv: <waiters> <route> [<redis URL>]: 'session' streams are GET /mfa/verify/push/events with
// the session's cookie; 'capability' streams are the waiting page's GET /mfa/push-events/<token>
// (mfa.streams, mounted with app.use before the session); 'front' serves the same streams from
// mfa.streams placed in front of the Express app on the Node server, so Express never sees them.
// With a Redis URL the sessions live in Redis (connect-redis) instead of the process's memory.
import { randomBytes } from 'node:crypto';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { deriveSubkey } from '../src/crypto/derive-key.js';
import { mintStreamToken } from '../src/push/stream-token.js';
import { SECRET_KEY } from '../test/support/harness.js';
import { challengeTopic } from '../src/push/wakeup.js';
import { InProcessWakeup } from '../src/transports/wakeup.js';
import { memory } from './child-process.js';
import type { ServerMessage } from './push-waiters.bench.js';
import { startSeededPushServer } from './seeded-sessions.js';

const count = Number(process.argv[2]);
const route = process.argv[3] ?? 'session';
// The token the waiting page would render, minted under the example app's key (id 'k1').
const streamTokenKey = deriveSubkey({ id: 'k1', key: SECRET_KEY }, 'push-stream-token/v1');
const send = (message: ServerMessage) => process.send!(message);

async function redisSessions(url: string): Promise<RedisStore> {
  const client = createClient({ url });
  await client.connect();
  return new RedisStore({ client, prefix: 'bench:sess:' });
}

const redisUrl = process.argv[4];
const wakeup = new InProcessWakeup();
const sessionStore = redisUrl ? await redisSessions(redisUrl) : undefined;
const { h, sessions, account } = await startSeededPushServer({ mfaOptions: { wakeup }, ...(sessionStore ? { sessionStore } : {}) });

// The challenges go straight into the store: the push-bombing budget (at most 100 per user per
// window) rightly refuses 10 000 "Contact me" for one user. Waiting is what is measured here.
const userId = await h.userId();
const now = h.clock.now();
const ids: string[] = [];
const streams: { path: string; cookie: string }[] = [];
for (let i = 0; i < count; i++) {
  const id = randomBytes(16).toString('base64url');
  await h.store.push.createChallenge({
    id, userId, factorId: null, number: String(10 + (i % 90)), createdAt: now, expiresAt: now + 120_000,
    context: { ip: '127.0.0.1', userAgent: 'push-waiters bench', time: now }, status: 'pending',
    resolvedAt: null, resolvedBy: null, evidence: null, consumedAt: null, noticeSeenAt: null,
  });
  ids.push(id);
  const cookie = await sessions.seed(now, id);
  streams.push(route === 'session' ? { path: '/mfa/verify/push/events', cookie } : { path: `/mfa/push-events/${mintStreamToken(streamTokenKey, id, now + 120_000)}`, cookie: '' });
}

process.on('message', async (command: string) => {
  if (command === 'measure') send({ type: 'memory', memory: memory() });
  if (command === 'wake') {
    for (const id of ids) {
      // Answered by alice's own (enabled) device: the store resolves nothing for an unknown or disabled one.
      await h.store.push.resolveChallenge(id, { status: 'approved', deviceId: account.deviceId, evidence: null, now: h.clock.now() });
      void wakeup.publish(challengeTopic(id));
    }
    send({ type: 'woken', count: ids.length });
  }
});
let origin = h.origin;
if (route === 'front') {
  const front = http.createServer((req, res) => h.mfa.streams(req, res, () => h.app(req, res)));
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
}
send({ type: 'ready', origin, streams, memory: memory() });
