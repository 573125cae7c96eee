// The server half of push-waiters.bench.ts (a child process): the example app with N signed-in
// sessions, each waiting on its own push challenge, and a way to approve them all at once.
import { randomBytes } from 'node:crypto';
import { InProcessPushWakeup, challengeTopic } from '../src/push/wakeup.js';
import { memory } from './child-process.js';
import type { ServerMessage } from './push-waiters.bench.js';
import { startSeededPushServer } from './seeded-sessions.js';

const count = Number(process.argv[2]);
const send = (message: ServerMessage) => process.send!(message);

const wakeup = new InProcessPushWakeup();
const { h, sessions } = await startSeededPushServer({ mfa: { push: { wakeup } } });

// The challenges go straight into the store: the push-bombing budget (at most 100 per user per
// window) rightly refuses 10 000 "Contact me" for one user. Waiting is what is measured here.
const userId = await h.userId();
const now = h.clock.now();
const ids: string[] = [];
const cookies: string[] = [];
for (let i = 0; i < count; i++) {
  const id = randomBytes(16).toString('base64url');
  await h.store.createPushChallenge({
    id, userId, factorId: null, number: String(10 + (i % 90)), createdAt: now, expiresAt: now + 120_000,
    context: { ip: '127.0.0.1', userAgent: 'push-waiters bench', time: now }, status: 'pending',
    resolvedAt: null, resolvedBy: null, evidence: null, consumedAt: null, noticeSeenAt: null,
  });
  ids.push(id);
  cookies.push(await sessions.seed(now, id));
}

process.on('message', async (command: string) => {
  if (command === 'measure') send({ type: 'memory', memory: memory() });
  if (command === 'wake') {
    for (const id of ids) {
      await h.store.resolvePushChallenge(id, { status: 'approved', deviceId: 'push-waiters', evidence: null, now: h.clock.now() });
      void wakeup.publish(challengeTopic(id));
    }
    send({ type: 'woken', count: ids.length });
  }
});
send({ type: 'ready', origin: h.origin, cookies, memory: memory() });
