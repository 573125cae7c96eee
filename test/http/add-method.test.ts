import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { startHarness } from '../support/harness.js';
import type { Agent, Harness } from '../support/harness.js';
import { csrfIn, postForm, submitCode, totpSecretIn } from '../support/mfa-flow.js';
import { US_NUMBER } from '../support/phone.js';
import { chooseSecurityKey, KEY_ORIGIN, KEY_RP_ID, registerWith } from '../support/security-key.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';

const ADD = '/mfa/manage/add-method';
const CANCEL = '/mfa/manage/add-method/cancel';

describe('Add method from Security info', () => {
  let h: Harness;
  let alice: Agent;
  beforeEach(async () => {
    h = await startHarness();
    ({ agent: alice } = await h.enrolledUser());
  });
  afterEach(async () => h.stop());

  const factors = async () => h.store.core.listFactors(await h.userId());
  const confirmed = async () => (await factors()).filter((f) => f.confirmedAt !== null);

  it('is its own page, never the first-run wizard: the link, and /mfa/setup for an enrolled user, lead there', async () => {
    assert.match((await alice.get('/mfa/manage')).text, /href="\/mfa\/manage\/add-method">Add method</);
    assert.equal((await alice.get('/mfa/setup').redirects(0)).headers.location, ADD);
    const page = await alice.get(ADD);
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1 id="mfa-title">Add a method<\/h1>/);
    assert.match(page.text, /<legend>Which method do you want to add\?<\/legend>/);
    for (const [value, label] of [['push', 'Mobile app: notification'], ['totp', 'Mobile app: one-time password'], ['phone', 'Backup phone']]) {
      assert.match(page.text, new RegExp(`<input type="radio" name="method" value="${value}"[^>]*>\\s*<span>${label}<small>`), label);
    }
    assert.match(page.text, /<button type="submit" class="mfa-button">Next<\/button>/);
    assert.match(page.text, /<form method="post" action="\/mfa\/manage\/add-method\/cancel" id="mfa-add-cancel" hidden>/);
    assert.match(page.text, /<button type="submit" form="mfa-add-cancel"[^>]*>Cancel<\/button>/);
    assert.doesNotMatch(page.text, /Additional security verification|Step 1|aria-current/, 'none of the first-run wizard');
  });

  it('adds a mobile app: set up, verify, back on Security info with "Mobile app added." (once)', async () => {
    const chosen = await postForm(alice, ADD, { method: 'totp' });
    assert.equal(chosen.status, 303);
    assert.equal(chosen.headers.location, '/mfa/setup/totp');
    const setup = await alice.get('/mfa/setup/totp');
    assert.match(setup.text, /Security info · Add method/);
    assert.match(setup.text, /form="mfa-add-cancel"[^>]*>Cancel</, 'Cancel beside Verify');
    assert.doesNotMatch(setup.text, /Step \d of|aria-current|Additional security verification/);
    const done = await submitCode(alice, '/mfa/setup/totp', h.codeFor(totpSecretIn(setup.text) ?? ''));
    assert.equal(done.status, 303);
    assert.equal(done.headers.location, '/mfa/manage', 'back to Security info, not on through the wizard');
    assert.equal((await confirmed()).filter((f) => f.type === 'totp').length, 2);
    const manage = await alice.get('/mfa/manage');
    assert.match(manage.text, /<div class="mfa-success" role="status">[^]*Mobile app added\./);
    assert.doesNotMatch((await alice.get('/mfa/manage')).text, /Mobile app added/, 'said once');
    assert.doesNotMatch((await alice.get('/mfa/setup/phone').redirects(0)).text, /Mobile app added/);
  });

  it('Cancel discards the half-set-up method and returns to Security info unchanged', async () => {
    const before = await confirmed();
    const rowsBefore = (await alice.get('/mfa/manage')).text.split('<tbody>')[1]!.split('</tbody>')[0];
    await postForm(alice, ADD, { method: 'totp' });
    assert.equal((await factors()).length, before.length + 1, 'an unconfirmed factor while setting up');
    const cancel = await postForm(alice, CANCEL, {}, '/mfa/setup/totp');
    assert.equal(cancel.status, 303);
    assert.equal(cancel.headers.location, '/mfa/manage');
    assert.deepEqual(await factors(), before, 'the half-set-up factor is gone, nothing else changed');
    const manage = (await alice.get('/mfa/manage')).text;
    assert.equal(manage.split('<tbody>')[1]!.split('</tbody>')[0], rowsBefore);
    assert.doesNotMatch(manage, /added|mfa-success/);
    assert.equal((await alice.get('/mfa/setup/totp').redirects(0)).headers.location, '/mfa/setup', 'its setup page is over');
    assert.equal(h.events.filter((e) => e.type === 'factor.enrolled').length, 1, 'only the first app was ever enrolled');
  });

  it('Cancel from the push setup, or from the choice itself, changes nothing either', async () => {
    const before = await factors();
    assert.equal((await postForm(alice, ADD, { method: 'push' })).headers.location, '/mfa/setup/push');
    assert.match((await alice.get('/mfa/setup/push')).text, /form="mfa-add-cancel"[^>]*>Cancel</);
    assert.equal((await postForm(alice, CANCEL, {}, '/mfa/setup/push')).headers.location, '/mfa/manage');
    assert.deepEqual(await factors(), before);
    assert.equal((await postForm(alice, CANCEL, {}, ADD)).headers.location, '/mfa/manage');
    assert.deepEqual(await factors(), before);
  });

  it('adds a backup phone with Cancel on its pages, and says "Backup phone added."', async () => {
    assert.equal((await postForm(alice, ADD, { method: 'phone' })).headers.location, '/mfa/setup/phone?then=manage');
    const numberPage = await alice.get('/mfa/setup/phone?then=manage');
    assert.match(numberPage.text, /Add a backup phone/);
    assert.match(numberPage.text, /value="skip" formnovalidate>Cancel</);
    assert.doesNotMatch(numberPage.text, /Step \d of/);
    const sent = await postForm(alice, '/mfa/setup/phone', { country: 'US', number: US_NUMBER.typed, channel: 'sms', action: 'next', then: 'manage' }, '/mfa/setup/phone?then=manage');
    assert.equal(sent.headers.location, '/mfa/setup/phone/verify');
    const codePage = await alice.get('/mfa/setup/phone/verify');
    assert.match(codePage.text, /name="action" value="skip">Cancel</);

    // Cancel on the code page: the number being proved is forgotten.
    const cancelled = await postForm(alice, '/mfa/setup/phone', { action: 'skip', then: 'manage' }, '/mfa/setup/phone/verify');
    assert.equal(cancelled.headers.location, '/mfa/manage');
    assert.equal((await alice.get('/mfa/setup/phone/verify').redirects(0)).headers.location, '/mfa/setup/phone');
    assert.equal((await confirmed()).some((f) => f.type === 'phone'), false);

    await postForm(alice, '/mfa/setup/phone', { country: 'US', number: US_NUMBER.typed, channel: 'sms', action: 'next', then: 'manage' }, '/mfa/setup/phone?then=manage');
    const verified = await postForm(alice, '/mfa/setup/phone/verify', { code: h.latestCode() });
    assert.equal(verified.headers.location, '/mfa/manage');
    assert.match((await alice.get('/mfa/manage')).text, /Backup phone added\./);
    assert.doesNotMatch((await alice.get(ADD)).text, /value="phone"/, 'one backup phone: a new number goes through its Change');
  });

  it('refuses what is not a method on offer with 400 and starts nothing', async () => {
    const before = await factors();
    for (const method of [undefined, '', 'nope', 'recovery_code', 'app_password', 'x'.repeat(5000), ['totp', 'push']]) {
      const res = await postForm(alice, ADD, method === undefined ? {} : { method }, ADD);
      assert.equal(res.status, 400, `method ${JSON.stringify(method)?.slice(0, 40)}`);
      assert.match(res.text, /Choose the method you want to add, then Next\./);
      assert.match(res.text, /role="alert"/);
    }
    assert.deepEqual(await factors(), before);
  });

  // Attack: someone who has only the password (or a long-unattended signed-in browser) adds their own authenticator.
  it('needs a fresh second factor, like every change on Security info', async () => {
    const half = await h.halfSignedIn();
    const token = csrfIn((await half.get('/mfa/verify')).text)!;
    assert.match((await half.get(ADD).redirects(0)).headers.location as string, /^\/mfa\/verify/);
    const post = await half.post(ADD).type('form').send({ _csrf: token, method: 'totp' }).redirects(0);
    assert.match(post.headers.location as string, /^\/mfa\/verify/);
    const before = await factors();

    const aliceToken = csrfIn((await alice.get(ADD)).text)!;
    h.clock.advance(16 * 60_000);
    const stale = await alice.post(ADD).type('form').send({ _csrf: aliceToken, method: 'totp' }).redirects(0);
    assert.equal(stale.headers.location, '/mfa/verify', 'an old second step verifies again first');
    assert.deepEqual(await factors(), before, 'nothing was started');
  });

  // Attack: a password-only session ends another session's enrollment (or probes it) through Cancel.
  it('Cancel needs a completed second step and leaves other sessions alone', async () => {
    await postForm(alice, ADD, { method: 'totp' });
    const inProgress = await factors();
    const half = await h.halfSignedIn();
    const token = csrfIn((await half.get('/mfa/verify')).text)!;
    const res = await half.post(CANCEL).type('form').send({ _csrf: token }).redirects(0);
    assert.match(res.headers.location as string, /^\/mfa\/verify/);
    assert.deepEqual(await factors(), inProgress, 'the other session\'s setup is untouched');
    assert.equal((await alice.get('/mfa/setup/totp')).status, 200);
  });
});

describe('Add method → Security key', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  it('registers a key beside the app and says "Security key added."; at the limit it says why on the same page, with Cancel', async () => {
    h = await startHarness({ origin: KEY_ORIGIN, mfaOptions: { webauthn: { rpId: KEY_RP_ID, origin: KEY_ORIGIN, maxPerUser: 1 } } });
    const { agent } = await h.enrolledUser();
    const page = (await agent.get(ADD)).text;
    assert.ok(page.indexOf('value="security_key"') < page.indexOf('value="push"'), 'the strongest method first');
    assert.equal((await chooseSecurityKey(agent)).headers.location, '/mfa/setup/security-key');
    assert.match((await agent.get('/mfa/setup/security-key')).text, /form="mfa-add-cancel"[^>]*>Cancel</);
    const added = await registerWith(agent, new SoftAuthenticator(), 'YubiKey');
    assert.equal(added.headers.location, '/mfa/manage');
    assert.match((await agent.get('/mfa/manage')).text, /Security key added\./);

    const again = await postForm(agent, ADD, { method: 'security_key' });
    assert.equal(again.status, 409);
    assert.match(again.text, /You already have the most security keys allowed \(1\)/);
    assert.match(again.text, /<h1 id="mfa-title">Add a method<\/h1>/);
    assert.match(again.text, /form="mfa-add-cancel"[^>]*>Cancel</);
    assert.equal((await h.store.core.listFactors(await h.userId())).length, 2, 'nothing was started');
  });
});
