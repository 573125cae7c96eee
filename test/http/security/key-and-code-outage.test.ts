import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { MemoryStore } from '../../../src/stores/memory/memory-store.js';
import { FailingStore } from '../../support/failing-store.js';
import { startHarness } from '../../support/harness.js';
import type { Harness } from '../../support/harness.js';
import { beginTotpSetup, postForm, recoveryCodesIn, submitCode } from '../../support/mfa-flow.js';
import { assertionFor, halfSignedInAs, KEY_ORIGIN, newUser, postAssertion, userWithKey } from '../../support/security-key.js';
import { SoftAuthenticator } from '../../support/soft-authenticator.js';

// Attack: making the store fail exactly where a security key's challenge is spent, its counter
// stored, or a recovery code used up, so that a sign-in that cannot be made single-use goes
// through anyway ("fail open").
function assertUnavailable(res: Response, what: string): void {
  assert.equal(res.status, 503, `${what}: ${res.status} ${res.text.slice(0, 200)}`);
  assert.ok(res.headers['retry-after'], `${what}: Retry-After`);
}

describe('store outage during a security key or recovery code sign-in', () => {
  let h: Harness;
  let failing: FailingStore<MemoryStore>;
  beforeEach(async () => {
    failing = new FailingStore(new MemoryStore({ warn: () => {} }));
    h = await startHarness({ store: failing.store, origin: KEY_ORIGIN });
  });
  afterEach(() => h.stop());

  for (const step of ['rateLimits.hit', 'credentials.list', 'credentials.acceptUse'] as const) {
    it(`refuses a security key sign-in with 503 when ${step} fails, and lets the key in once the store is back`, async () => {
      const key = new SoftAuthenticator();
      const user = await userWithKey(h, key);
      const a = await halfSignedInAs(h, user);
      const answer = await assertionFor(a, key);
      failing.fail(step);
      assertUnavailable(await postAssertion(a, answer), `POST /mfa/verify/security-key (${step})`);
      failing.recover();
      assert.equal((await a.get('/').redirects(0)).status, 303, 'still not signed in');
      const retry = await postAssertion(a, await assertionFor(a, key));
      assert.equal(retry.status, 303, retry.text.slice(0, 200));
      assert.equal(retry.headers.location, '/');
    });
  }

  it('refuses a recovery code with 503 when the store cannot use it up, and keeps the code', async () => {
    const user = await newUser(h);
    const secret = await beginTotpSetup(user.agent);
    await submitCode(user.agent, '/mfa/setup/totp', h.codeFor(secret));
    const page = await user.agent.get('/mfa/setup/recovery-codes');
    const code = recoveryCodesIn(page.text)[0]!;
    const a = await halfSignedInAs(h, user);
    failing.fail('recoveryCodes.consume');
    assertUnavailable(await postForm(a, '/mfa/verify/recovery', { code }), 'POST /mfa/verify/recovery');
    failing.recover();
    assert.equal(await failing.store.recoveryCodes.countRemaining(user.userId), 10, 'nothing was used up');
    assert.equal((await postForm(a, '/mfa/verify/recovery', { code })).status, 303);
  });
});
