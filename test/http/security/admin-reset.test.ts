import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness } from '../../support/harness.js';
import type { Harness } from '../../support/harness.js';
import { beginTotpSetup, postForm, recoveryCodesIn, submitCode } from '../../support/mfa-flow.js';
import { assertionFor, halfSignedInAs, KEY_ORIGIN, postAssertion, userWithKey } from '../../support/security-key.js';
import { SoftAuthenticator } from '../../support/soft-authenticator.js';
import { storeWith } from '../../support/store-with.js';

describe('mfa.admin.resetFactors(userId)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ origin: KEY_ORIGIN });
  });
  after(() => h.stop());

  // Attack: whoever took the account over made recovery codes (or registered a key) of their own;
  // after the administrator's reset, those must not open the account again.
  it('leaves nothing of the old factors: keys, their credentials and recovery codes all stop working', async () => {
    const key = new SoftAuthenticator();
    const user = await userWithKey(h, key);
    const oldCodes = recoveryCodesIn((await user.agent.get('/mfa/setup/recovery-codes')).text);
    assert.equal(oldCodes.length, 10);
    const credentials = storeWith(h.store, ['credentials']).credentials;
    assert.equal((await credentials.list(user.userId)).length, 1);

    assert.equal(await h.mfa.admin.resetFactors(user.userId), 1);
    assert.deepEqual(await h.store.core.listFactors(user.userId), []);
    assert.deepEqual(await credentials.list(user.userId), [], "the key's credential went with its factor");
    assert.equal(await h.store.recoveryCodes!.countRemaining(user.userId), 0, 'the old codes are gone');

    // The owner signs in with the password, sets up a new method and gets a new set of codes.
    const owner = await halfSignedInAs(h, user);
    const secret = await beginTotpSetup(owner);
    const done = await submitCode(owner, '/mfa/setup/totp', h.codeFor(secret));
    assert.equal(done.headers.location, '/mfa/setup/recovery-codes', 'the wizard shows codes again');
    const newCodes = recoveryCodesIn((await owner.get('/mfa/setup/recovery-codes')).text);
    assert.equal(newCodes.length, 10);
    assert.equal(newCodes.filter((c) => oldCodes.includes(c)).length, 0);

    const attacker = await halfSignedInAs(h, user);
    assert.equal((await postForm(attacker, '/mfa/verify/recovery', { code: oldCodes[0] })).status, 401, 'an old code is refused');
    const keyAnswer = await postAssertion(attacker, await assertionFor(attacker, key).catch(() => '{}'));
    assert.ok(keyAnswer.status >= 400 && keyAnswer.status < 500, 'the old key is refused');
    assert.equal((await attacker.get('/').redirects(0)).status, 303, 'still not signed in');
    assert.equal((await postForm(attacker, '/mfa/verify/recovery', { code: newCodes[0] })).status, 303, 'a new code works');
  });
});
