import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DEFAULTS } from '../../../src/options.js';
import { startHarness } from '../../support/harness.js';
import type { Agent, Harness } from '../../support/harness.js';
import { wrongCode } from '../../support/mfa-flow.js';
import { startPushHarness } from '../../support/push.js';
import type { PushHarness } from '../../support/push.js';

// Attack: brute-forcing the 6-digit code (1 in 10^6 per guess) by guessing fast, spreading
// guesses over many sessions, or signing in again to reset the counter.
const { threshold, durationMs, hardLimit } = DEFAULTS.lockout;

describe('lockout after consecutive wrong codes', () => {
  let h: Harness;
  let secret: string;
  beforeEach(async () => {
    h = await startHarness();
    ({ secret } = await h.enrolledUser());
    h.freshStep();
  });
  afterEach(async () => h.stop());

  async function guessWrong(a: Agent, times: number) {
    const token = await h.csrf(a, '/mfa/verify');
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < times; i++) {
      last = await a.post('/mfa/verify').type('form').send({ _csrf: token, code: h.wrongCode(secret) }).redirects(0);
      statuses.push(last.status);
    }
    return { statuses, last: last! };
  }

  const failures = async () => (await h.store.core.getLockout(await h.userId())).failures;

  async function assertLockedOut(a: Agent) {
    const res = await h.submitCode(a, '/mfa/verify', h.codeFor(secret));
    assert.equal(res.status, 429, 'a correct code is refused while locked');
    const home = await a.get('/').redirects(0);
    assert.equal(home.headers.location, '/mfa/verify');
    return res;
  }

  it(`locks after ${threshold} wrong codes with 429 and Retry-After, refusing even a correct code`, async () => {
    const a = await h.halfSignedIn();
    const { statuses, last } = await guessWrong(a, threshold);
    assert.deepEqual(statuses, [...Array(threshold - 1).fill(401), 429]);
    assert.equal(last.headers['retry-after'], String(durationMs / 1000));
    assert.equal(await failures(), threshold);

    h.clock.advance(60_000);
    const refused = await assertLockedOut(a);
    assert.equal(refused.headers['retry-after'], String(durationMs / 1000 - 60));
  });

  it('counts across sessions, and signing in again does not reset the count', async () => {
    const a = await h.halfSignedIn();
    const b = await h.halfSignedIn();
    await guessWrong(a, 2);
    await guessWrong(b, threshold - 3);
    assert.equal(await failures(), threshold - 1);

    // A restarts the sign-in: a new session, a new pending second step.
    await a.post('/logout').type('form').send({ _csrf: await h.csrf(a, '/mfa/verify') }).redirects(0);
    await h.login(a);
    await a.get('/').redirects(0);
    const { statuses } = await guessWrong(a, 1);
    assert.deepEqual(statuses, [429]);

    await assertLockedOut(b);
    await assertLockedOut(await h.halfSignedIn());
  });

  it(`unlocks after ${durationMs / 60_000} minutes; the count continues, a correct code resets it`, async () => {
    await guessWrong(await h.halfSignedIn(), threshold);
    h.clock.advance(durationMs - 1_000);
    await assertLockedOut(await h.halfSignedIn());

    h.clock.advance(1_000);
    const a = await h.halfSignedIn();
    assert.deepEqual((await guessWrong(a, 1)).statuses, [401], 'unlocked');
    assert.equal(await failures(), threshold + 1, 'counting continues after the lock expires');
    assert.deepEqual((await guessWrong(a, threshold - 1)).statuses, [...Array(threshold - 2).fill(401), 429]);

    h.clock.advance(durationMs);
    const c = await h.halfSignedIn();
    assert.equal((await h.submitCode(c, '/mfa/verify', h.codeFor(secret))).status, 303);
    assert.equal(await failures(), 0);
  });

  it(`locks for good after ${hardLimit} consecutive failures until mfa.admin.unlock()`, async () => {
    for (let done = 0; done < hardLimit; done += threshold) {
      const { statuses } = await guessWrong(await h.halfSignedIn(), Math.min(threshold, hardLimit - done));
      assert.equal(statuses.at(-1), 429);
      h.clock.advance(durationMs);
    }
    const state = await h.store.core.getLockout(await h.userId());
    assert.deepEqual(state, { failures: hardLimit, lockedUntil: null, hardLocked: true });

    h.clock.advance(365 * 24 * 60 * 60_000);
    const refused = await assertLockedOut(await h.halfSignedIn());
    assert.equal(refused.headers['retry-after'], undefined, 'no time would help');
    assert.match(refused.text, /administrator/);

    await h.mfa.admin.unlock(await h.userId());
    const a = await h.halfSignedIn();
    assert.equal((await h.submitCode(a, '/mfa/verify', h.codeFor(secret))).status, 303);
  });
});

// Attack: getting around the lockout with a notification approved before the account was
// locked (by an owner tricked into approving, while the attacker guesses codes in another
// session): a locked account completes no sign-in, by code or by notification.
describe('lockout and an already approved notification', () => {
  let h: PushHarness;
  beforeEach(async () => {
    h = await startPushHarness();
  });
  afterEach(async () => h.stop());

  it('refuses to complete it while locked (429), keeps the session half signed in, counts nothing', async () => {
    const { phone, account } = await h.enrolledPushUser();
    h.clock.advance(60_000);
    const b = await h.signInToVerify();
    assert.equal((await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify')).headers.location, '/mfa/verify/push');
    const number = await h.shownNumber(b, '/mfa/verify/push');
    const [challenge] = await phone.waitForChallenges(account, 0);
    assert.equal(await phone.answer(account, challenge!.id, 'approve', { number }), 'approved');

    const guesser = await h.signInToVerify();
    const token = await h.csrf(guesser, '/mfa/verify');
    const wrong = wrongCode(account.totp.secret, h.clock.now());
    for (let i = 0; i < threshold; i++) await guesser.post('/mfa/verify').type('form').send({ _csrf: token, code: wrong }).redirects(0);
    const lockedState = await h.store.core.getLockout(await h.userId());
    assert.equal(lockedState.failures, threshold);
    assert.ok(lockedState.lockedUntil !== null && lockedState.lockedUntil > h.clock.now());

    const refused = await h.post(b, '/mfa/verify/push', { method: 'push' }, '/mfa/verify/push');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers['retry-after'], String(durationMs / 1000));
    assert.deepEqual(await h.store.core.getLockout(await h.userId()), lockedState, 'the refusal neither counts nor resets failures');
    const home = await b.get('/').redirects(0);
    assert.equal(home.headers.location, '/mfa/verify', 'still past the password step only');
  });
});
