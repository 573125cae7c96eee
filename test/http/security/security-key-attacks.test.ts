import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness } from '../../support/harness.js';
import type { Harness } from '../../support/harness.js';
import { beginTotpSetup, csrfOf, postForm, submitCode } from '../../support/mfa-flow.js';
import {
  assertionFor,
  ceremonyOptions,
  chooseSecurityKey,
  halfSignedInAs,
  KEY_ORIGIN,
  KEY_RP_ID,
  newUser,
  postAssertion,
  registerWith,
  userWithKey,
} from '../../support/security-key.js';
import { SoftAuthenticator } from '../../support/soft-authenticator.js';
import { storeWith } from '../../support/store-with.js';

describe('security keys under attack', () => {
  let h: Harness;
  const credentials = () => storeWith(h.store, ['credentials']).credentials;
  const failures = (userId: string) => h.store.core.getLockout(userId).then((l) => l.failures);
  const lastFailure = () => h.events.filter((e) => e.type === 'second_factor.failed').at(-1)?.reason;
  before(async () => {
    h = await startHarness({ origin: KEY_ORIGIN });
  });
  after(() => h.stop());

  // Attack: someone with only the password of an enrolled account registers their own key.
  it('does not let a password-only session of an enrolled user register a key', async () => {
    const victim = await userWithKey(h, new SoftAuthenticator());
    const attacker = await halfSignedInAs(h, victim);
    const choose = await postForm(attacker, '/mfa/setup', { contact: 'security_key' }, '/mfa/verify');
    assert.equal(choose.status, 303);
    assert.match(choose.headers.location as string, /^\/mfa\/verify/, 'sent to verify first');
    const page = await attacker.get('/mfa/setup/security-key').redirects(0);
    assert.equal(page.status, 303);
    const options = await ceremonyOptions(attacker, '/mfa/setup/security-key/options', '/mfa/verify');
    assert.equal(options.challenge, '', 'no registration options');
    assert.deepEqual(options.body, { error: 'redirect', location: '/mfa/setup' }, 'the page script is sent back to the wizard');
    const token = await csrfOf(attacker, '/mfa/verify');
    const post = await attacker.post('/mfa/setup/security-key').type('form').send({ _csrf: token, name: 'mine', response: new SoftAuthenticator().register({ challenge: 'A'.repeat(43), origin: KEY_ORIGIN, rpId: KEY_RP_ID }) }).redirects(0);
    assert.equal(post.status, 303);
    assert.equal((await h.store.core.listFactors(victim.userId)).length, 1, 'no factor was added');
    assert.equal((await credentials().list(victim.userId)).length, 1);
  });

  // Attack: an answer signed for the challenge another session (another user's) was given.
  it("refuses a response made for another user's challenge", async () => {
    const aliceKey = new SoftAuthenticator();
    const alice = await userWithKey(h, aliceKey);
    const bob = await userWithKey(h, new SoftAuthenticator());
    const aliceSession = await halfSignedInAs(h, alice);
    const bobSession = await halfSignedInAs(h, bob);
    // Alice's session asks for a challenge too, so it has one of its own to compare with.
    await ceremonyOptions(aliceSession, '/mfa/verify/security-key/options', '/mfa/verify');
    const bobs = await ceremonyOptions(bobSession, '/mfa/verify/security-key/options', '/mfa/verify');
    const signed = aliceKey.assert({ challenge: bobs.challenge, origin: KEY_ORIGIN, rpId: KEY_RP_ID });
    const inAlice = await postAssertion(aliceSession, signed);
    assert.equal(inAlice.status, 401);
    assert.equal(lastFailure(), 'invalid_response');
    const inBob = await postAssertion(bobSession, signed);
    assert.equal(inBob.status, 401, "Alice's key is no key of Bob's");
    assert.equal(lastFailure(), 'unknown_credential');
    assert.equal((await aliceSession.get('/').redirects(0)).status, 303, 'neither session got through');
    assert.equal((await bobSession.get('/').redirects(0)).status, 303);
  });

  // Attack: a look-alike site relays the sign-in; the browser reports the look-alike's origin.
  it('refuses a response made on another origin, and counts it', async () => {
    const key = new SoftAuthenticator();
    const user = await userWithKey(h, key);
    const a = await halfSignedInAs(h, user);
    const res = await postAssertion(a, await assertionFor(a, key, 'http://localhost.evil.test:3000'));
    assert.equal(res.status, 401);
    assert.equal(lastFailure(), 'invalid_response');
    assert.equal(await failures(user.userId), 1);
    const registration = await newUser(h);
    await chooseSecurityKey(registration.agent);
    const phishedSetup = await registerWith(registration.agent, new SoftAuthenticator(), 'k', 'https://evil.test');
    assert.equal(phishedSetup.status, 401);
    assert.equal((await credentials().list(registration.userId)).length, 0);
  });

  // Attack: one captured answer sent many times at once (and again later, into a new sign-in).
  it('accepts a replayed assertion exactly once, even 30 times in parallel', async () => {
    const key = new SoftAuthenticator({ counterStep: 0 }); // no counter: only the spent challenge stops a replay
    const user = await userWithKey(h, key);
    const a = await halfSignedInAs(h, user);
    const answer = await assertionFor(a, key);
    const token = await csrfOf(a, '/mfa/verify');
    const results = await Promise.all(Array.from({ length: 30 }, () =>
      a.post('/mfa/verify/security-key').type('form').send({ _csrf: token, response: answer }).redirects(0)));
    const statuses = results.map((r) => r.status);
    const wins = results.filter((r) => r.status === 303 && r.headers.location === '/');
    assert.equal(wins.length, 1, `exactly one success (${statuses.join(',')})`);

    // The 29 refused copies counted toward the lockout, which may be in force now (depending on
    // whether the success's reset came before or after them): lift it, so that what refuses the
    // replay below is the spent challenge, not the lock.
    await h.mfa.admin.unlock(user.userId);
    const later = await halfSignedInAs(h, user);
    await ceremonyOptions(later, '/mfa/verify/security-key/options', '/mfa/verify');
    const replay = await postAssertion(later, answer);
    assert.equal(replay.status, 401, 'nor does it open a later sign-in');
  });

  // Attack: a cloned key; the clone's signature counter is behind the original's.
  it('refuses a key whose signature counter went backwards', async () => {
    const key = new SoftAuthenticator({ counter: 10 });
    const user = await userWithKey(h, key);
    const first = await halfSignedInAs(h, user);
    assert.equal((await postAssertion(first, await assertionFor(first, key))).status, 303);
    key.counter = 3;
    const clone = await halfSignedInAs(h, user);
    const res = await postAssertion(clone, await assertionFor(clone, key));
    assert.equal(res.status, 401);
    assert.match(res.text, /may have been copied/);
    assert.equal(lastFailure(), 'counter_regressed');
    assert.equal((await credentials().list(user.userId))[0]!.counter, 11, 'the stored counter stays');
  });

  // Attack: a key (or a client) that skipped user verification where the site requires it.
  it('refuses an answer without user verification when webauthn.userVerification is required', async () => {
    const strict = await startHarness({ origin: KEY_ORIGIN, mfaOptions: { webauthn: { rpId: KEY_RP_ID, origin: KEY_ORIGIN, userVerification: 'required' } } });
    try {
      const key = new SoftAuthenticator();
      const user = await userWithKey(strict, key);
      const a = await halfSignedInAs(strict, user);
      const options = await ceremonyOptions(a, '/mfa/verify/security-key/options', '/mfa/verify');
      assert.equal(options.body.userVerification, 'required');
      key.userVerified = false;
      const res = await postAssertion(a, key.assert({ challenge: options.challenge, origin: KEY_ORIGIN, rpId: KEY_RP_ID }));
      assert.equal(res.status, 401);
      assert.match(res.text, /did not check your PIN or fingerprint/);
      assert.equal(strict.events.filter((e) => e.type === 'second_factor.failed').at(-1)?.reason, 'user_not_verified');

      const unverified = await newUser(strict);
      await chooseSecurityKey(unverified.agent);
      const setup = await registerWith(unverified.agent, new SoftAuthenticator({ userVerified: false }));
      assert.equal(setup.status, 401, 'nor can such a key be registered');
    } finally {
      await strict.stop();
    }
  });

  // Attack: Security info's actions aimed at another user's key (an id from elsewhere).
  it("refuses to rename or delete another user's key, or to sign in with it", async () => {
    const bobKey = new SoftAuthenticator();
    const alice = await userWithKey(h, new SoftAuthenticator());
    const bob = await userWithKey(h, bobKey, 'Bob key');
    const bobsId = (await credentials().list(bob.userId))[0]!.id;
    const rename = `/mfa/manage/security-keys/${encodeURIComponent(bobsId)}/rename`;
    assert.equal((await alice.agent.get(rename)).status, 404);
    assert.equal((await postForm(alice.agent, rename, { name: 'mine now' }, '/mfa/manage')).status, 404);
    const token = await csrfOf(alice.agent, '/mfa/manage');
    const del = await alice.agent.post(`/mfa/manage/factors/${encodeURIComponent(bobsId)}/delete`).type('form').send({ _csrf: token }).redirects(0);
    assert.equal(del.status, 404);
    assert.equal((await credentials().list(bob.userId))[0]!.name, 'Bob key', "Bob's key is unchanged");

    const aliceSignIn = await halfSignedInAs(h, alice);
    const res = await postAssertion(aliceSignIn, await assertionFor(aliceSignIn, bobKey));
    assert.equal(res.status, 401);
    assert.equal(lastFailure(), 'unknown_credential');
  });

  // Attack: one authenticator credential registered to a second account.
  it('refuses a credential that is registered to another account already', async () => {
    const shared = new SoftAuthenticator();
    await userWithKey(h, shared);
    const other = await newUser(h);
    await chooseSecurityKey(other.agent);
    const res = await registerWith(other.agent, shared, 'borrowed');
    assert.equal(res.status, 400);
    assert.match(res.text, /already registered/);
    assert.equal((await credentials().list(other.userId)).length, 0);
  });

  // Attack: guessing with forged answers; they count toward the lockout shared with every method.
  it('counts forged answers toward the shared lockout, which then refuses even the right key', async () => {
    const key = new SoftAuthenticator();
    const user = await userWithKey(h, key);
    const a = await halfSignedInAs(h, user);
    const forger = new SoftAuthenticator();
    for (let i = 0; i < 5; i++) {
      const options = await ceremonyOptions(a, '/mfa/verify/security-key/options', '/mfa/verify');
      const forged = JSON.parse(forger.assert({ challenge: options.challenge, origin: KEY_ORIGIN, rpId: KEY_RP_ID })) as { id: string; rawId: string };
      forged.id = forged.rawId = key.credentialId; // the victim's credential id, signed by another key
      await postAssertion(a, JSON.stringify(forged));
    }
    assert.equal(lastFailure(), 'not_verified');
    const locked = await postAssertion(a, await assertionFor(a, key));
    assert.equal(locked.status, 429);
    assert.ok(locked.headers['retry-after']);
  });

  it('answers bad input with a 4xx and changes nothing', async () => {
    const key = new SoftAuthenticator();
    const user = await userWithKey(h, key);
    const a = await halfSignedInAs(h, user);
    const token = await csrfOf(a, '/mfa/verify');
    const bodies: Record<string, unknown>[] = [
      { response: ['a', 'b'] },
      { response: 'x'.repeat(15_000) },
      { response: '{"id":1}' },
      { response: JSON.stringify({ id: '💥', rawId: '💥', type: 'public-key', response: {} }) },
      { 'response[id]': 'x' },
    ];
    for (const body of bodies) {
      const res = await a.post('/mfa/verify/security-key').type('form').send({ _csrf: token, ...body }).redirects(0);
      assert.ok(res.status >= 400 && res.status < 500, `${JSON.stringify(body).slice(0, 40)} → ${res.status}`);
    }
    const json = await a.post('/mfa/verify/security-key').set('x-csrf-token', token).send({ response: { nested: true } }).redirects(0);
    assert.ok(json.status >= 400 && json.status < 500);
    assert.equal((await credentials().list(user.userId))[0]!.counter, 0, 'nothing changed');
    const setupUser = await newUser(h);
    await chooseSecurityKey(setupUser.agent);
    for (const name of ['', 'x'.repeat(65), '\u202Eevil', ['a', 'b']]) {
      const res = await registerWith(setupUser.agent, new SoftAuthenticator(), name);
      assert.equal(res.status, 400, `name ${JSON.stringify(name)}`);
    }
    assert.equal((await credentials().list(setupUser.userId)).length, 0);
  });

  it('registers a new key of a user who already has a one-time-password app only after a fresh second factor', async () => {
    const user = await newUser(h);
    const secret = await beginTotpSetup(user.agent);
    assert.equal((await submitCode(user.agent, '/mfa/setup/totp', h.codeFor(secret))).status, 303);
    const token = await csrfOf(user.agent, '/mfa/manage/add-method');
    h.clock.advance(16 * 60_000);
    for (const [path, fields] of [['/mfa/manage/add-method', { method: 'security_key' }], ['/mfa/setup', { contact: 'security_key' }]] as const) {
      const stale = await user.agent.post(path).type('form').send({ _csrf: token, ...fields }).redirects(0);
      assert.equal(stale.status, 303);
      assert.match(stale.headers.location as string, /^\/mfa\/verify/, `${path}: an old second factor verifies again first`);
    }
    assert.equal((await h.store.core.listFactors(user.userId)).length, 1, 'no key was started');
  });
});
