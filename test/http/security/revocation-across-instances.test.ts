import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import session from 'express-session';
import request from 'supertest';
import { createExampleApp } from '../../../example-app/app.js';
import { InProcessWakeup } from '../../../src/transports/wakeup.js';
import type { Wakeup } from '../../../src/transports/wakeup.js';
import { SqliteStore } from '../../../src/stores/sqlite/sqlite-store.js';
import { PostgresWakeup } from '../../../src/transports/postgres-wakeup.js';
import { RedisWakeup } from '../../../src/transports/redis-wakeup.js';
import { FakeClock } from '../../support/fake-clock.js';
import { SECRET_KEY, SESSION_SECRET } from '../../support/harness.js';
import { beginTotpSetup, postForm, submitCode, totpCode } from '../../support/mfa-flow.js';
import { PostgresServer } from '../../support/postgres-server.js';
import { RedisServer } from '../../support/redis-server.js';
import { waitUntil } from '../../support/server-process.js';
import { DEMO_USER } from '../../../example-app/app.js';
import { lostWakeups } from '../../support/lost-wakeups.js';
import { cookieHeaderOf } from '../../support/session-cookie.js';

/**
 * Two instances of the example app behind one load balancer: one SQLite file, one session store,
 * one clock, and the wake-up channel given (shared, or one that loses every message).
 */
async function twoInstances(wakeupOf: (shared: Wakeup) => [Wakeup, Wakeup] | Promise<[Wakeup, Wakeup]>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'passport-mfa-instances-'));
  const clock = new FakeClock();
  const sessionStore = new session.MemoryStore();
  const [wakeupA, wakeupB] = await wakeupOf(new InProcessWakeup());
  const make = (wakeup: Wakeup) => createExampleApp({
    dataDir, secretKey: SECRET_KEY, sessionSecret: SESSION_SECRET, clock: clock.now, sessionStore, onEvent: () => {},
    store: new SqliteStore({ filename: join(dataDir, 'mfa.db') }),
    mfaOptions: { wakeup },
  });
  const a = await make(wakeupA);
  const b = await make(wakeupB);
  return {
    a, b, clock,
    async stop() {
      await a.close();
      await b.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Signs alice in on instance A (enrolling her on first use); returns the session's Cookie header. */
async function signInOnA(app: Awaited<ReturnType<typeof twoInstances>>['a']['app'], clock: FakeClock, secret?: string) {
  const agent = request.agent(app);
  await postForm(agent, '/login', { username: DEMO_USER.username, password: DEMO_USER.password });
  let seed = secret;
  if (!seed) {
    seed = await beginTotpSetup(agent);
    assert.equal((await submitCode(agent, '/mfa/setup/totp', totpCode(seed, clock.now()))).status, 303);
  } else {
    await agent.get('/').redirects(0);
    assert.equal((await submitCode(agent, '/mfa/verify', totpCode(seed, clock.now()))).status, 303);
  }
  clock.advance(30_000);
  return { cookie: cookieHeaderOf(agent), secret: seed };
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
      const { cookie } = await signInOnA(s.a.app, s.clock);
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
      const { cookie, secret } = await signInOnA(s.a.app, s.clock);
      assert.equal((await request(s.b.app).get('/').set('Cookie', cookie)).status, 200);
      await s.a.mfa.admin.revokeSessions(s.a.users.findByUsername('alice')!.id);
      s.clock.advance(999);
      assert.equal((await request(s.b.app).get('/').set('Cookie', cookie)).status, 200, 'within the second B still trusts what it read');
      s.clock.advance(1);
      assert.equal((await request(s.b.app).get('/').set('Cookie', cookie).redirects(0)).headers.location, '/login');

      // A session signed in after the revocation (newer than what B holds) is served, not ended.
      const fresh = await signInOnA(s.a.app, s.clock, secret);
      assert.equal((await request(s.b.app).get('/').set('Cookie', fresh.cookie)).status, 200);
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
        const { a, b, clock } = s!;
        const html = await signInOnA(a.app, clock);
        const json = await signInOnA(a.app, clock, html.secret);
        for (const { cookie } of [html, json]) {
          assert.equal((await request(b.app).get('/').set('Cookie', cookie)).status, 200, 'instance B serves the session and holds its verdict');
        }
        await a.mfa.admin.revokeSessions(a.users.findByUsername('alice')!.id);
        await waitUntil('instance B still served the revoked session', 1_000, async () =>
          (await request(b.app).get('/').set('Cookie', html.cookie).redirects(0)).headers.location === '/login');
        const script = await request(b.app).get('/').set('Cookie', json.cookie).set('Accept', 'application/json');
        assert.deepEqual([script.status, script.body.error], [401, 'session_revoked'], 'a JSON client gets 401');
      });
    });
  }
});
