import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DEMO_USER } from '../../example-app/app.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { FailingStore } from '../support/failing-store.js';
import { basic, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

// Attack: a store outage (overload, a cut connection) turning checks that cannot be counted into
// free guesses, or a Basic endpoint answering "Something went wrong" (500) that clients retry hard.
describe('example app during a store outage', () => {
  let h: Harness;
  let failing: FailingStore;
  beforeEach(async () => {
    failing = new FailingStore(new MemoryStore({ warn: () => {} }));
    h = await startHarness({ store: failing.store });
  });
  afterEach(async () => h.stop());

  it('answers /api/mail 503 with Retry-After, with an app password or not, and 200 again afterwards', async () => {
    const { agent } = await h.enrolledUser();
    const { password } = await h.createAppPassword(agent, 'Mail');
    failing.fail('rateLimits.get', 'rateLimits.hit', 'appPasswords.findByHash');
    for (const credentials of [basic('alice', password!), basic('alice', 'wrong'), basic('nobody', 'x')]) {
      const res = await h.agent().get('/api/mail').set('Authorization', credentials);
      assert.equal(res.status, 503, res.text);
      assert.equal(res.headers['retry-after'], '30');
      assert.doesNotMatch(res.text, /Something went wrong|messages/);
    }
    failing.recover();
    assert.equal((await h.agent().get('/api/mail').set('Authorization', basic('alice', password!))).status, 200);
  });

  it('answers 503 to an app password used a moment ago, once a request has found the store failing', async () => {
    const { agent } = await h.enrolledUser();
    const { password } = await h.createAppPassword(agent, 'Mail');
    const mail = (credentials: string) => h.agent().get('/api/mail').set('Authorization', credentials);
    assert.equal((await mail(basic('alice', password!))).status, 200);
    failing.fail('rateLimits.get', 'rateLimits.hit', 'appPasswords.findByHash');
    assert.equal((await mail(basic('alice', 'wrong'))).status, 503);
    assert.equal((await mail(basic('alice', password!))).status, 503, 'not answered from what was read before the outage');
  });

  it('answers /login 503 with Retry-After when its attempt limit cannot be counted, and checks no password', async () => {
    failing.fail('rateLimits.hit');
    const a = h.agent();
    const csrf = await h.csrf(a, '/login');
    const res = await a.post('/login').type('form').send({ _csrf: csrf, ...DEMO_USER }).redirects(0);
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '30');
    assert.equal((await a.get('/').redirects(0)).headers.location, '/login', 'not signed in');
  });
});
