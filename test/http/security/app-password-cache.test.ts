import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import request from 'supertest';
import { InProcessWakeup } from '../../../src/transports/wakeup.js';
import type { Wakeup } from '../../../src/transports/wakeup.js';
import { aroundStoreMethods } from '../../support/facet-proxy.js';
import { basic, startHarness } from '../../support/harness.js';
import type { Harness } from '../../support/harness.js';
import { lostWakeups } from '../../support/lost-wakeups.js';

const WRONG = 'abcd-efgh-ijkm-npqr-stuv-wxyz-2345';

/**
 * Two instances behind one load balancer: the harness (A) and another instance (B) on the same
 * SQLite file and clock, each with the wake-up channel given. The clock stands still unless a test
 * moves it, so the 1 s cache never runs out by itself: only a wake-up can end what B holds.
 */
async function twoInstances(wakeups: [Wakeup, Wakeup]) {
  const a = await startHarness({ mfaOptions: { wakeup: wakeups[0] } });
  const b = await a.anotherInstance({ mfaOptions: { wakeup: wakeups[1] } });
  const { agent } = await a.enrolledUser();
  const { password } = await a.createAppPassword(agent, 'Mail');
  const mailOn = (app: Harness['app'], pw = password!) => request(app).get('/api/mail').set('Authorization', basic('alice', pw));
  // B has now read alice's password and her counters, and holds them.
  assert.equal((await mailOn(b.app)).status, 200);
  return { a, b, agent, password: password!, mailOn, stop: a.stop };
}

describe('what one instance holds of a correct app password', () => {
  let setup: Awaited<ReturnType<typeof twoInstances>> | undefined;
  afterEach(async () => setup?.stop());

  // Attack: a revoked (leaked) app password keeps working on the instances that did not revoke it.
  it('ends on every instance at once when it is revoked on one', async () => {
    const shared = new InProcessWakeup();
    setup = await twoInstances([shared, shared]);
    const { a, b, agent, mailOn } = setup;
    const id = /href="\/mfa\/manage\/app-passwords\/([^/"]+)\/revoke"/.exec((await agent.get('/mfa/manage')).text)![1]!;
    const token = await a.csrf(agent, '/mfa/manage');
    assert.equal((await agent.post(`/mfa/manage/app-passwords/${id}/revoke`).type('form').send({ _csrf: token }).redirects(0)).status, 303);
    assert.equal((await mailOn(b.app)).status, 401);
  });

  // Attack: an account's app passwords revoked after a takeover (password reset) keep working elsewhere.
  it('ends on every instance at once when all of the user’s are revoked', async () => {
    const shared = new InProcessWakeup();
    setup = await twoInstances([shared, shared]);
    const { a, b, mailOn } = setup;
    assert.equal(await a.mfa.admin.revokeAppPasswords(await a.userId()), 1);
    assert.equal((await mailOn(b.app)).status, 401);
  });

  // Attack: guessing from one instance while the right password keeps working on another, so a
  // lockout no longer hides whether a guess was right.
  it('is refused on every instance once failures on one reach the limit', async () => {
    const shared = new InProcessWakeup();
    setup = await twoInstances([shared, shared]);
    const { a, b, mailOn } = setup;
    for (let i = 0; i < 10; i++) assert.equal((await mailOn(a.app, WRONG)).status, 401);
    assert.equal((await mailOn(b.app)).status, 429);
  });

  it('is held at most appPasswords.cacheMs (1 s) where the wake-up is lost', async () => {
    setup = await twoInstances([lostWakeups, lostWakeups]);
    const { a, b, mailOn } = setup;
    await a.mfa.admin.revokeAppPasswords(await a.userId());
    assert.equal((await mailOn(b.app)).status, 200, 'still held by B: the documented bound');
    a.clock.advance(1000);
    assert.equal((await mailOn(b.app)).status, 401);
  });

  // Attack: guesses answered from memory, neither counted nor refused once the limit is reached.
  it('never holds a wrong password: each one is counted in the store', async () => {
    setup = await twoInstances([lostWakeups, lostWakeups]);
    const { b, mailOn } = setup;
    for (let i = 0; i < 10; i++) assert.equal((await mailOn(b.app, WRONG)).status, 401, `failure ${i + 1}`);
    assert.equal((await mailOn(b.app, WRONG)).status, 429);
    assert.equal((await mailOn(b.app)).status, 429, 'the right password too, so guessing cannot tell');
  });
});

describe('a repeated correct app password and the store', () => {
  let h: Harness | undefined;
  afterEach(async () => h?.stop());

  async function harness(cacheMs?: number) {
    // The reads of the Basic check: failure counters and app-password lookups.
    const reads = { count: 0 };
    h = await startHarness(cacheMs === undefined ? {} : { appPasswords: { cacheMs } }, {
      wrapStore: (base) => aroundStoreMethods(base, (path, call) => {
        if (path === 'rateLimits.get' || path === 'appPasswords.findByHash') reads.count++;
        return call();
      }),
    });
    const { agent } = await h.enrolledUser();
    const { password } = await h.createAppPassword(agent, 'Mail');
    const mail = () => h!.agent().get('/api/mail').set('Authorization', basic('alice', password!));
    return { h, reads, mail };
  }

  it('is answered from what was read within the last second, then read again', async () => {
    const { h, reads, mail } = await harness();
    assert.equal((await mail()).status, 200);
    const first = reads.count;
    assert.equal(first, 3, 'two failure counters and the lookup');
    for (let i = 0; i < 5; i++) assert.equal((await mail()).status, 200);
    assert.equal(reads.count, first, 'no read within the second');
    h.clock.advance(1000);
    assert.equal((await mail()).status, 200);
    assert.equal(reads.count, 2 * first);
  });

  it('reads the store on every request with appPasswords.cacheMs: 0', async () => {
    const { reads, mail } = await harness(0);
    for (let i = 0; i < 3; i++) assert.equal((await mail()).status, 200);
    assert.equal(reads.count, 9);
  });
});
