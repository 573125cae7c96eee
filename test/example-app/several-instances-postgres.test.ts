import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryAccountStore } from '../../src/authenticator/account-store.js';
import { AuthenticatorClient } from '../../src/authenticator/client.js';
import {
  enrollPush, enrollTotp, logIn, postgresOutage, pushAcrossInstances, revocationAcrossInstances, shownNumber, signUp, streamResult, submitCode, clusterMissing, useCluster, within,
} from '../support/example-cluster.js';
import { totpCode, wrongCode } from '../support/mfa-flow.js';
import { waitUntil } from '../support/server-process.js';
import { WebClient } from '../support/web-client.js';

// Two sample-app instances with MFA_STORE=postgres and no REDIS_URL: the MFA store, the sessions
// (connect-pg-simple) and the wake-ups (LISTEN/NOTIFY) all in one PostgreSQL. Waiters re-read the
// store only every 25 s here, so anything faster than that came through a wake-up.
describe('two instances on PostgreSQL (sessions and LISTEN/NOTIFY wake-ups in it too)', { skip: clusterMissing({ redis: false }) }, () => {
  const s = useCluster({ redis: false, mfaOptions: { push: { pollIntervalMs: 25_000 } } });

  it('a push sign-in started on A and answered through B completes within 1 s of the answer', { timeout: 60_000 }, async () => {
    await pushAcrossInstances(s.cluster, 'pat', 1_000);
  });

  it('shares used time steps and the lockout count between the instances', { timeout: 60_000 }, async () => {
    const { a, b } = s.cluster;
    const owner = new WebClient();
    await signUp(owner, a.origin, 'sam');
    const secret = await enrollTotp(owner, a.origin);
    const onA = new WebClient();
    const onB = new WebClient();
    await logIn(onA, a.origin, 'sam');
    await logIn(onB, b.origin, 'sam');

    // Setup used the current step; the next one is within the window and unused.
    const code = totpCode(secret, Date.now(), 1);
    assert.equal((await submitCode(onA, a.origin, code)).status, 303);
    assert.equal((await submitCode(onB, b.origin, code)).status, 401, 'B refuses the code A accepted');

    // The replay was failure 1 of 5; failures 2 to 4 on B, the fifth on A.
    for (let i = 0; i < 3; i++) assert.equal((await submitCode(onB, b.origin, wrongCode(secret, Date.now()))).status, 401);
    const third = new WebClient();
    await logIn(third, a.origin, 'sam');
    assert.equal((await submitCode(third, a.origin, wrongCode(secret, Date.now()))).status, 429, "A counts B's failures: the fifth locks");
    assert.equal((await submitCode(onB, b.origin, totpCode(secret, Date.now(), -1))).status, 429, 'and B sees the lock A set');
  });

  it('a session revoked on A ("Sign out everywhere") is refused on B within 1 s: a browser is sent to sign in, a script gets 401', { timeout: 60_000 }, async () => {
    await revocationAcrossInstances(s.cluster, 'rob', 'browser', 1_000);
    await revocationAcrossInstances(s.cluster, 'roz', 'script', 1_000);
  });

  it('every connection to PostgreSQL cut at once: an answer given meanwhile still reaches the browser waiting on A, and instant wake-ups come back by themselves', { timeout: 60_000 }, async () => {
    const c = s.cluster;
    const signedIn = new WebClient();
    await signUp(signedIn, c.b.origin, 'cid');
    const phone = new AuthenticatorClient({ store: new MemoryAccountStore() });
    const account = await enrollPush(signedIn, c.b.origin, phone);
    const waiting = new WebClient();
    await logIn(waiting, c.a.origin, 'cid');
    await waiting.postForm(c.a.origin, '/mfa/verify/push/send', {}, '/mfa/verify');
    const number = await shownNumber(waiting, c.a.origin, '/mfa/verify/push');
    const stream = /data-stream="([^"]+)"/.exec((await waiting.get(c.a.origin, '/mfa/verify/push')).text)![1]!;
    const [challenge] = await phone.waitForChallenges(account, 0);
    // The browser on A waits with its next re-read 25 s away.
    const result = streamResult(c.a.origin + stream, 20_000);
    result.catch(() => {});

    // What a failover or a restarted connection pooler does: both instances' LISTEN connections
    // (and their pools' connections) are cut.
    const [cut] = await c.pg.query<{ n: number }>(
      'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()', [], 'mfa');
    assert.ok(cut!.n >= 2, `the listening connections were cut too (${cut!.n} connections)`);
    // B's pool reconnects for the answer; a request that met a connection not yet known to be dead is answered 503 and retried.
    await waitUntil('B did not take the answer after the cut', 10_000, async () => {
      try {
        await phone.answer(account, challenge!.id, 'approve', { number });
      } catch (error) {
        if ((await phone.waitForChallenges(account, 0)).length > 0) throw error;
      }
      return true;
    });
    assert.match(await within(5_000, result, 'the browser waiting on A did not hear of the approval'), /"status":"approved"/);
    await pushAcrossInstances(c, 'cyd', 1_000);
  });

  it('PostgreSQL stopped: every instance refuses the second step with 503 (never skipped) and recovers by itself', { timeout: 60_000 }, async () => {
    const { a, b } = s.cluster;
    await postgresOutage(s.cluster, 'kim', async (signedIn) => {
      for (const origin of [a.origin, b.origin]) {
        // The sessions live in PostgreSQL too: even a completed sign-in cannot be checked.
        assert.equal((await signedIn.get(origin, '/')).status, 503, `${origin}: a signed-in session is not let through unchecked`);
        const visitor = await new WebClient().get(origin, '/');
        assert.deepEqual([visitor.status, visitor.location], [303, '/login'], `${origin}: a visitor without a session is sent to sign in`);
      }
    });
  });
});
