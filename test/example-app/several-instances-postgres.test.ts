import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { enrollTotp, logIn, pushAcrossInstances, signUp, startCluster, submitCode } from '../support/example-cluster.js';
import type { Cluster } from '../support/example-cluster.js';
import { totpCode, wrongCode } from '../support/mfa-flow.js';
import { waitUntil } from '../support/server-process.js';
import { WebClient } from '../support/web-client.js';

// Two sample-app instances with MFA_STORE=postgres and no REDIS_URL: the MFA store, the sessions
// (connect-pg-simple) and the wake-ups (LISTEN/NOTIFY) all in one PostgreSQL. Waiters re-read the
// store only every 25 s here, so anything faster than that came through a wake-up.
describe('two instances on PostgreSQL (sessions and LISTEN/NOTIFY wake-ups in it too)', () => {
  let c: Cluster;
  let skip: string | false = false;

  before(async () => {
    const started = await startCluster({ redis: false, mfaOptions: { push: { pollIntervalMs: 25_000 } } });
    if ('skip' in started) skip = started.skip;
    else c = started;
  });
  after(async () => c?.stop());

  it('a push sign-in started on A and answered through B completes within 1 s of the answer', { timeout: 60_000 }, async (t) => {
    if (skip) return t.skip(skip);
    await pushAcrossInstances(c, 'pat', 1_000);
  });

  it('shares used time steps and the lockout count between the instances', { timeout: 60_000 }, async (t) => {
    if (skip) return t.skip(skip);
    const owner = new WebClient();
    await signUp(owner, c.a.origin, 'sam');
    const secret = await enrollTotp(owner, c.a.origin);
    const onA = new WebClient();
    const onB = new WebClient();
    await logIn(onA, c.a.origin, 'sam');
    await logIn(onB, c.b.origin, 'sam');

    // Setup used the current step; the next one is within the window and unused.
    const code = totpCode(secret, Date.now(), 1);
    assert.equal((await submitCode(onA, c.a.origin, code)).status, 303);
    const replay = await submitCode(onB, c.b.origin, code);
    assert.equal(replay.status, 401, 'B refuses the code A accepted');

    // The replay was failure 1 of 5; failures 2 to 5 alternate between the instances.
    for (const [client, origin] of [[onB, c.b.origin], [onB, c.b.origin], [onB, c.b.origin]] as const) {
      assert.equal((await submitCode(client, origin, wrongCode(secret, Date.now()))).status, 401);
    }
    const third = new WebClient();
    await logIn(third, c.a.origin, 'sam');
    assert.equal((await submitCode(third, c.a.origin, wrongCode(secret, Date.now()))).status, 429, "A counts B's failures: the fifth locks");
    assert.equal((await submitCode(onB, c.b.origin, totpCode(secret, Date.now(), -1))).status, 429, 'and B sees the lock A set');
  });

  it('PostgreSQL stopped: every instance refuses the second step with 503 (never skipped) and recovers by itself', { timeout: 60_000 }, async (t) => {
    if (skip) return t.skip(skip);
    const owner = new WebClient();
    await signUp(owner, c.a.origin, 'kim');
    const secret = await enrollTotp(owner, c.a.origin);
    const halfway = new WebClient();
    await logIn(halfway, c.b.origin, 'kim');
    const verifyPage = await halfway.get(c.b.origin, '/mfa/verify');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(verifyPage.text)![1]!;

    await c.pg.pause();
    try {
      for (const origin of [c.a.origin, c.b.origin]) {
        const submitted = await halfway.post(origin, '/mfa/verify', { _csrf: csrf, code: totpCode(secret, Date.now(), 1) });
        assert.equal(submitted.status, 503, `${origin}: the second step is refused`);
        assert.ok(submitted.headers.get('retry-after'), 'with Retry-After');
        assert.equal((await owner.get(origin, '/')).status, 503, `${origin}: a signed-in session is not let through unchecked`);
        const visitor = await new WebClient().get(origin, '/');
        assert.deepEqual([visitor.status, visitor.location], [303, '/login'], `${origin}: a visitor without a session is sent to sign in`);
      }
    } finally {
      await c.pg.resume();
    }
    // No restart: the pools reconnect on the next request.
    await waitUntil('the instances did not recover after PostgreSQL came back', 20_000, async () =>
      (await owner.get(c.a.origin, '/')).status === 200 && (await owner.get(c.b.origin, '/')).status === 200);
    assert.equal((await halfway.post(c.a.origin, '/mfa/verify', { _csrf: csrf, code: totpCode(secret, Date.now(), 1) })).status, 303);
  });
});
