import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { MemoryStore } from '../../../src/stores/memory/memory-store.js';
import { FailingStore } from '../../support/failing-store.js';
import type { CoreStore } from '../../../src/stores/facets/core.js';
import { startHarness } from '../../support/harness.js';
import type { Agent, Harness } from '../../support/harness.js';

// Attack: making the store fail (overload it, cut its network) so that a second step which cannot
// be checked is skipped ("fail open"), or a guess which cannot be counted is free.
function assertUnavailable(res: Response, what: string) {
  assert.equal(res.status, 503, `${what}: ${res.status} ${res.text.slice(0, 200)}`);
  assert.ok(res.headers['retry-after'], `${what}: Retry-After`);
  assert.doesNotMatch(res.text, /Signed in as|mfa-secret|otpauth:/, what);
}

describe('store outage', () => {
  let h: Harness;
  let failing: FailingStore;
  beforeEach(async () => {
    failing = new FailingStore(new MemoryStore({ warn: () => {} }));
    h = await startHarness({ store: failing.store });
  });
  afterEach(async () => h.stop());

  async function assertNotSignedIn(a: Agent, expected: string) {
    const home = await a.get('/').redirects(0);
    assert.equal(home.status, 303);
    assert.equal(home.headers.location, expected);
  }

  it('answers 503 on the guard and verification, and the second step stays required afterwards', async () => {
    const { secret } = await h.enrolledUser();
    h.freshStep();
    const a = h.agent();
    await h.login(a);
    const b = await h.halfSignedIn();
    const token = await h.csrf(b, '/mfa/verify');

    failing.fail();
    assertUnavailable(await a.get('/').redirects(0), 'GET / (guard)');
    const json = await a.get('/').set('Accept', 'application/json').redirects(0);
    assertUnavailable(json, 'GET / as JSON');
    assert.equal(json.body.error, 'store_unavailable');
    assertUnavailable(await b.get('/mfa/verify').redirects(0), 'GET /mfa/verify');
    assertUnavailable(await b.post('/mfa/verify').type('form').send({ _csrf: token, code: h.codeFor(secret) }).redirects(0), 'POST /mfa/verify');
    assertUnavailable(await b.get('/').redirects(0), 'GET / after the refused code');
    assert.ok(h.events.some((e) => e.type === 'store.unavailable'));

    failing.recover();
    await assertNotSignedIn(a, '/mfa/verify');
    await assertNotSignedIn(b, '/mfa/verify');
  });

  it('answers 503 on every setup route, for a user starting setup and one half way through', async () => {
    const a = h.agent();
    await h.login(a);
    const token = await h.csrf(a, '/mfa/setup');
    const b = h.agent();
    await h.login(b);
    const secret = await h.beginSetup(b);
    const tokenB = await h.csrf(b, '/mfa/setup/totp');

    failing.fail();
    assertUnavailable(await a.get('/mfa/setup').redirects(0), 'GET /mfa/setup');
    assertUnavailable(await a.post('/mfa/setup').type('form').send({ _csrf: token, contact: 'mobile_app', mode: 'otp' }).redirects(0), 'POST /mfa/setup');
    assertUnavailable(await b.get('/mfa/setup/totp').redirects(0), 'GET /mfa/setup/totp');
    assertUnavailable(await b.get('/mfa/setup/totp/qr.png').redirects(0), 'GET /mfa/setup/totp/qr.png');
    assertUnavailable(await b.post('/mfa/setup/totp').type('form').send({ _csrf: tokenB, code: h.codeFor(secret) }).redirects(0), 'POST /mfa/setup/totp');

    failing.recover();
    await assertNotSignedIn(a, '/mfa/setup');
    await assertNotSignedIn(b, '/mfa/setup');
    assert.deepEqual((await failing.store.core.listFactors(await h.userId())).map((f) => f.confirmedAt), [null]);
  });

  // One failing step of the check must refuse it as surely as a dead store.
  const partial: [keyof CoreStore, 'right' | 'wrong'][] = [
    ['listFactors', 'right'],
    ['getLockout', 'right'],
    ['consumeTimeStep', 'right'],
    ['resetFailures', 'right'],
    ['recordFailure', 'wrong'],
  ];
  for (const [method, kind] of partial) {
    it(`refuses a ${kind} code with 503 when only ${method} fails`, async () => {
      const { secret } = await h.enrolledUser();
      h.freshStep();
      const a = await h.halfSignedIn();
      const token = await h.csrf(a, '/mfa/verify');
      // A failure to clear: a success with none counted writes nothing.
      if (method === 'resetFailures') await a.post('/mfa/verify').type('form').send({ _csrf: token, code: h.wrongCode(secret) });
      failing.fail(`core.${method}`);
      const code = kind === 'right' ? h.codeFor(secret) : h.wrongCode(secret);
      assertUnavailable(await a.post('/mfa/verify').type('form').send({ _csrf: token, code }).redirects(0), `POST /mfa/verify`);
      failing.recover();
      await assertNotSignedIn(a, '/mfa/verify');
    });
  }

  it('refuses to confirm an enrollment with 503 when only confirmFactor fails', async () => {
    const a = h.agent();
    await h.login(a);
    const secret = await h.beginSetup(a);
    failing.fail('core.confirmFactor');
    assertUnavailable(await h.submitCode(a, '/mfa/setup/totp', h.codeFor(secret)), 'POST /mfa/setup/totp');
    failing.recover();
    await assertNotSignedIn(a, '/mfa/setup');
  });
});
