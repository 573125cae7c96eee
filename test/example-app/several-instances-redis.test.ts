import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryAccountStore } from '../../src/authenticator/account-store.js';
import { AuthenticatorClient } from '../../src/authenticator/client.js';
import { enrollPush, logIn, postgresOutage, pushAcrossInstances, revocationAcrossInstances, shownNumber, signUp, clusterMissing, useCluster, within } from '../support/example-cluster.js';
import { waitUntil } from '../support/server-process.js';
import { WebClient } from '../support/web-client.js';

// Two sample-app instances with MFA_STORE=postgres and REDIS_URL: the MFA store in PostgreSQL,
// sessions (connect-redis) and wake-ups (pub/sub) in Redis. Waiters re-read the store only every
// 25 s here (every second while the wake-up connection is down), so anything faster than that
// came through a wake-up.
describe('two instances on PostgreSQL with sessions and wake-ups in Redis', { skip: clusterMissing({ redis: true }) }, () => {
  const s = useCluster({ redis: true, mfaOptions: { push: { pollIntervalMs: 25_000 } } });

  it('a push sign-in started on A and answered through B completes within 1 s of the answer', { timeout: 60_000 }, async () => {
    await pushAcrossInstances(s.cluster, 'pat', 1_000);
  });

  it('a session revoked on A ("Sign out everywhere") is refused on B within 1 s: a browser is sent to sign in, a script gets 401', { timeout: 60_000 }, async () => {
    await revocationAcrossInstances(s.cluster, 'rob', 'browser', 1_000);
    await revocationAcrossInstances(s.cluster, 'roz', 'script', 1_000);
  });

  it('PostgreSQL stopped: the second step answers 503 (the sessions in Redis still work) and recovers by itself', { timeout: 60_000 }, async () => {
    await postgresOutage(s.cluster, 'kim');
  });

  it('Redis stopped: nothing is let through, answers still arrive by polling, and both come back by themselves', { timeout: 90_000 }, async () => {
    const c = s.cluster;
    const signedIn = new WebClient();
    await signUp(signedIn, c.b.origin, 'rae');
    const phone = new AuthenticatorClient({ store: new MemoryAccountStore() });
    const account = await enrollPush(signedIn, c.b.origin, phone);
    const waiting = new WebClient();
    await logIn(waiting, c.a.origin, 'rae');
    await waiting.postForm(c.a.origin, '/mfa/verify/push/send', {}, '/mfa/verify');
    const number = await shownNumber(waiting, c.a.origin, '/mfa/verify/push');
    const stream = /data-stream="([^"]+)"/.exec((await waiting.get(c.a.origin, '/mfa/verify/push')).text)![1]!;
    const [challenge] = await phone.waitForChallenges(account, 0);
    // The browser on A already waits (its next re-read 25 s away) when Redis goes.
    const events = await fetch(c.a.origin + stream);
    assert.equal(events.status, 200);
    const result = events.text();

    await c.redis!.pause();
    try {
      for (const origin of [c.a.origin, c.b.origin]) {
        assert.equal((await signedIn.get(origin, '/')).status, 503, `${origin}: a signed-in session is not let through unchecked`);
        assert.equal((await waiting.get(origin, '/mfa/verify')).status, 503, `${origin}: nor a half-signed-in one`);
        // The form still renders (its session is saved only as the page ends, and that fails).
        const visitor = new WebClient();
        const csrf = /name="_csrf" value="([^"]+)"/.exec((await visitor.get(origin, '/login')).text)![1]!;
        const login = await visitor.post(origin, '/login', { _csrf: csrf, username: 'rae', password: 'a long enough password' });
        assert.equal(login.status, 503, `${origin}: nobody signs in without a session to keep it`);
      }
      // The waiting page's stream needs no session. The approval given through B cannot be
      // published; A's stream finds it by re-reading the store every second meanwhile.
      await phone.answer(account, challenge!.id, 'approve', { number });
      assert.match(await within(10_000, result, 'the stream on A did not find the approval by polling'), /"status":"approved"/);
    } finally {
      await c.redis!.resume();
    }
    // Without persistence the sessions are gone: visitors sign in again once Redis answers.
    await waitUntil('sign-ins did not come back with Redis', 20_000, async () => {
      await logIn(new WebClient(), c.a.origin, 'rae');
      await logIn(new WebClient(), c.b.origin, 'rae');
      return true;
    });
    // The wake-up connections reconnect on their own (backing off up to 5 s); well under the 25 s re-read.
    await pushAcrossInstances(c, 'ray', 10_000);
  });
});
