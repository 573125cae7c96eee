import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import session from 'express-session';
import request from 'supertest';
import { InProcessWakeup } from '../../../src/transports/wakeup.js';
import type { Wakeup } from '../../../src/transports/wakeup.js';
import { PostgresWakeup } from '../../../src/transports/postgres-wakeup.js';
import { RedisWakeup } from '../../../src/transports/redis-wakeup.js';
import { startHarness } from '../../support/harness.js';
import { PostgresServer } from '../../support/postgres-server.js';
import { RedisServer } from '../../support/redis-server.js';
import { waitUntil } from '../../support/server-process.js';
import { lostWakeups } from '../../support/lost-wakeups.js';
import { cookieHeaderOf } from '../../support/session-cookie.js';

/**
 * Two instances of the example app behind one load balancer: the harness (A) and another instance
 * (B) on its SQLite file and clock, one session store, and the wake-up channel given (shared, or
 * one that loses every message).
 */
async function twoInstances(wakeupOf: (shared: Wakeup) => [Wakeup, Wakeup] | Promise<[Wakeup, Wakeup]>) {
  const sessionStore = new session.MemoryStore();
  const [wakeupA, wakeupB] = await wakeupOf(new InProcessWakeup());
  const a = await startHarness({ sessionStore, mfaOptions: { wakeup: wakeupA } });
  const b = await a.anotherInstance({ sessionStore, mfaOptions: { wakeup: wakeupB } });
  return { a, b, clock: a.clock, stop: a.stop };
}

describe('a revocation reaches every instance', () => {
  // Attack: the revoked session's next request goes to another app instance than the one that revoked it.
  describe('with a shared wake-up channel', () => {
    let s: Awaited<ReturnType<typeof twoInstances>>;
    before(async () => {
      s = await twoInstances((shared) => [shared, shared]);
    });
    after(async () => s.stop());

    it('is refused on the other instance at once (no clock advance)', async () => {
      const cookie = cookieHeaderOf((await s.a.enrolledUser()).agent);
      assert.equal((await request(s.b.app).get('/').set('Cookie', cookie)).status, 200, 'instance B serves the session');
      await s.a.mfa.admin.revokeSessions(s.a.users.findByUsername('alice')!.id);
      assert.equal((await request(s.b.app).get('/').set('Cookie', cookie).redirects(0)).headers.location, '/login');
    });
  });

  // Attack: the wake-up is lost on its way; the other instance must still stop the session within a second.
  describe('when instance B misses the wake-up', () => {
    let s: Awaited<ReturnType<typeof twoInstances>>;
    before(async () => {
      s = await twoInstances((shared) => [shared, lostWakeups]);
    });
    after(async () => s.stop());

    it('is refused on the other instance once sessionCheckCacheMs (1 s) has passed', async () => {
      const { agent, secret } = await s.a.enrolledUser();
      const cookie = cookieHeaderOf(agent);
      assert.equal((await request(s.b.app).get('/').set('Cookie', cookie)).status, 200);
      await s.a.mfa.admin.revokeSessions(s.a.users.findByUsername('alice')!.id);
      s.clock.advance(999);
      assert.equal((await request(s.b.app).get('/').set('Cookie', cookie)).status, 200, 'within the second B still trusts what it read');
      s.clock.advance(1);
      assert.equal((await request(s.b.app).get('/').set('Cookie', cookie).redirects(0)).headers.location, '/login');

      // A session signed in after the revocation (newer than what B holds) is served, not ended.
      const fresh = cookieHeaderOf(await s.a.fullySignedIn(secret));
      assert.equal((await request(s.b.app).get('/').set('Cookie', fresh)).status, 200);
    });
  });

  // Attack: as above, with each instance on its own connection to a real shared channel. The
  // clock never moves, so B's cached verdict never expires: only the channel can end the session.
  for (const channel of [
    {
      name: 'PostgreSQL LISTEN/NOTIFY',
      start: () => PostgresServer.start(),
      missing: () => PostgresServer.missing(),
      connect: (server: PostgresServer | RedisServer) => PostgresWakeup.connect({ connectionString: (server as PostgresServer).url() }),
    },
    {
      name: 'Redis pub/sub',
      start: () => RedisServer.start(),
      missing: () => RedisServer.missing(),
      connect: (server: PostgresServer | RedisServer) => RedisWakeup.connect({ url: (server as RedisServer).url }),
    },
  ]) {
    describe(`over ${channel.name}, one connection per instance`, { skip: channel.missing() }, () => {
      let server: PostgresServer | RedisServer | null = null;
      let s: Awaited<ReturnType<typeof twoInstances>> | undefined;
      const wakeups: (PostgresWakeup | RedisWakeup)[] = [];
      before(async () => {
        const started = await channel.start();
        if ('skip' in started) throw new Error(started.skip);
        server = started;
        s = await twoInstances(async () => {
          wakeups.push(await channel.connect(started), await channel.connect(started));
          return [wakeups[0]!, wakeups[1]!];
        });
      });
      after(async () => {
        await s?.stop();
        for (const wakeup of wakeups) await wakeup.close();
        await server?.destroy();
      });

      it('is refused on the other instance within 1 s, with no clock advance', async () => {
        const { a, b } = s!;
        const { agent, secret } = await a.enrolledUser();
        const html = cookieHeaderOf(agent);
        const json = cookieHeaderOf(await a.fullySignedIn(secret));
        for (const cookie of [html, json]) {
          assert.equal((await request(b.app).get('/').set('Cookie', cookie)).status, 200, 'instance B serves the session and holds its verdict');
        }
        await a.mfa.admin.revokeSessions(a.users.findByUsername('alice')!.id);
        await waitUntil('instance B still served the revoked session', 1_000, async () =>
          (await request(b.app).get('/').set('Cookie', html).redirects(0)).headers.location === '/login');
        const script = await request(b.app).get('/').set('Cookie', json).set('Accept', 'application/json');
        assert.deepEqual([script.status, script.body.error], [401, 'session_revoked'], 'a JSON client gets 401');
      });
    });
  }
});
