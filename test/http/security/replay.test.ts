import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemoryStore } from '../../../src/stores/memory/memory-store.js';
import { BarrierStore } from '../../support/barrier-store.js';
import { startHarness } from '../../support/harness.js';
import type { Agent, Harness } from '../../support/harness.js';

// Attack: replaying a one-time code (shoulder-surfed, phished or intercepted) in another session,
// or using a code from too far in the past or future.
describe('TOTP time window and replay', () => {
  let h: Harness;
  let secret: string;
  before(async () => {
    h = await startHarness();
    ({ secret } = await h.enrolledUser());
  });
  after(async () => h.stop());

  async function assertSignedIn(a: Agent) {
    const home = await a.get('/').redirects(0);
    assert.equal(home.status, 200);
    assert.match(home.text, /Signed in as alice/);
  }

  async function assertStillAtSecondStep(a: Agent) {
    const home = await a.get('/').redirects(0);
    assert.equal(home.status, 303);
    assert.equal(home.headers.location, '/mfa/verify');
  }

  for (const positionMs of [0, 29_999]) {
    for (const offset of [-1, 0, 1]) {
      it(`accepts the code ${offset} step(s) from now, ${positionMs} ms into the step`, async () => {
        h.freshStep(positionMs);
        const a = await h.halfSignedIn();
        const res = await h.submitCode(a, '/mfa/verify', h.codeFor(secret, offset));
        assert.equal(res.status, 303, res.text.slice(0, 300));
        assert.equal(res.headers.location, '/');
        await assertSignedIn(a);
      });
    }
    for (const offset of [-2, 2]) {
      it(`refuses the code ${offset} steps from now, ${positionMs} ms into the step`, async () => {
        h.freshStep(positionMs);
        const a = await h.halfSignedIn();
        const res = await h.submitCode(a, '/mfa/verify', h.codeFor(secret, offset));
        assert.equal(res.status, 401);
        await assertStillAtSecondStep(a);
      });
    }
  }

  it('refuses a code accepted once, in another session and again in the same browser', async () => {
    h.freshStep();
    const code = h.codeFor(secret);
    const first = await h.halfSignedIn();
    assert.equal((await h.submitCode(first, '/mfa/verify', code)).status, 303);

    const other = await h.halfSignedIn();
    const replayed = await h.submitCode(other, '/mfa/verify', code);
    assert.equal(replayed.status, 401);
    assert.match(replayed.text, /already used/);
    await assertStillAtSecondStep(other);

    const signOut = await first.post('/logout').type('form').send({ _csrf: await h.csrf(first, '/') }).redirects(0);
    assert.equal(signOut.status, 303);
    await h.login(first);
    await first.get('/').redirects(0);
    assert.equal((await h.submitCode(first, '/mfa/verify', code)).status, 401);
    await assertStillAtSecondStep(first);

    // The refusals were about reuse: the next code still works.
    h.clock.advance(30_000);
    assert.equal((await h.submitCode(other, '/mfa/verify', h.codeFor(secret))).status, 303);
  });

  it('refuses any step not newer than the last accepted one, even inside the window', async () => {
    h.freshStep();
    const next = h.codeFor(secret, 1);
    const current = h.codeFor(secret, 0);
    const previous = h.codeFor(secret, -1);
    assert.equal((await h.submitCode(await h.halfSignedIn(), '/mfa/verify', next)).status, 303);

    for (const older of [current, previous]) {
      const a = await h.halfSignedIn();
      assert.equal((await h.submitCode(a, '/mfa/verify', older)).status, 401, 'an older code after a newer one');
      await assertStillAtSecondStep(a);
    }
    h.clock.advance(30_000);
    const a = await h.halfSignedIn();
    assert.equal((await h.submitCode(a, '/mfa/verify', next)).status, 401, 'the accepted step is now current, still used');
    assert.equal((await h.submitCode(a, '/mfa/verify', h.codeFor(secret, 1))).status, 303);
  });
});

// Attack: a race. Many sessions that know the password submit one observed code at once, hoping
// several pass the replay check before any of them records the step. The barrier makes every
// request read the factor (and its last step) before any of them may consume the step, so only
// the store's atomic consumeTimeStep can keep the count at one.
const PARALLEL = 30;
const stores = {
  'SqliteStore, the harness default': () => ({}),
  MemoryStore: () => ({ store: new MemoryStore({ warn: () => {} }) }),
};
for (const [name, overrides] of Object.entries(stores)) {
  describe(`${PARALLEL} parallel submissions of one code (${name})`, () => {
    let h: Harness;
    let barrier: BarrierStore;
    before(async () => {
      h = await startHarness(overrides(), {
        wrapStore: (store) => {
          barrier = new BarrierStore(store);
          return barrier.store;
        },
      });
    });
    after(async () => h.stop());

    it('let exactly one half-signed-in session through', { timeout: 60_000 }, async () => {
      const { secret } = await h.enrolledUser();
      h.freshStep();
      const agents = await Promise.all(Array.from({ length: PARALLEL }, () => h.halfSignedIn()));
      const tokens = await Promise.all(agents.map((a) => h.csrf(a, '/mfa/verify')));
      const code = h.codeFor(secret);

      barrier.arm('core.listFactors', PARALLEL);
      const results = await Promise.all(
        agents.map((a, i) => a.post('/mfa/verify').type('form').send({ _csrf: tokens[i], code }).redirects(0)),
      );

      const winners = results.filter((r) => r.status === 303);
      assert.equal(winners.length, 1, `statuses: ${results.map((r) => r.status).join(',')}`);
      assert.equal(winners[0]!.headers.location, '/');
      const losers = results.filter((r) => r.status !== 303);
      assert.equal(losers.length, PARALLEL - 1);
      for (const r of losers) assert.ok(r.status === 401 || r.status === 429, `loser answered ${r.status}`);

      const homes = await Promise.all(agents.map((a) => a.get('/').redirects(0)));
      assert.equal(homes.filter((r) => r.status === 200 && /Signed in as alice/.test(r.text)).length, 1);
    });
  });
}
