import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basic, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const ROUNDS = 16;
const WRONG = 'not the password of anyone';

/** Vargha and Delaney's A: the probability that a draw from `a` exceeds one from `b` (ties count half). */
function probabilityOfSuperiority(a: number[], b: number[]): number {
  let wins = 0;
  for (const x of a) for (const y of b) wins += x > y ? 1 : x === y ? 0.5 : 0;
  return wins / (a.length * b.length);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((p, q) => p - q);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

// Attack: account enumeration by timing. A failing Basic attempt for a user without MFA ran the
// account password's scrypt while one for an unknown or enrolled user did not, so response times
// told which accounts exist and which have no second factor (the easiest to take over).
describe('failing HTTP Basic attempts take the same time whatever the account', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ appPasswords: { rateLimit: { perUsername: 1000, perIp: 100_000 } } });
    await h.enrolledUser();
    const bob = h.agent();
    const csrf = await h.csrf(bob, '/signup');
    await bob.post('/signup').type('form').send({ _csrf: csrf, username: 'bob', password: 'bob has a long password' });
  });
  after(async () => h.stop());

  /** Milliseconds for one GET /api/mail with this Authorization header, which must fail with 401. */
  async function timed(authorization: string): Promise<number> {
    const start = process.hrtime.bigint();
    const res = await h.agent().get('/api/mail').set('Authorization', authorization);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    assert.equal(res.status, 401);
    return ms;
  }

  // Before the dummy check, the others took about a tenth of the real check's time (A near 0):
  // the bounds leave room for a busy machine's noise and none for a missing check.
  it(`keeps every median within 2× of the real check's and no class reliably faster or slower (${ROUNDS} interleaved rounds)`, async (t) => {
    const classes: Record<string, (round: number) => string> = {
      'no MFA (real account-password check)': () => basic('bob', WRONG),
      'enrolled in MFA': () => basic('alice', WRONG),
      'unknown username': (round) => basic(`nobody-${round}`, WRONG),
      'malformed credentials': () => 'Basic bm90LWJhc2U2NA',
    };
    const samples = Object.fromEntries(Object.keys(classes).map((name) => [name, [] as number[]]));
    for (const call of Object.values(classes)) await timed(call(-1));
    for (let round = 0; round < ROUNDS; round++) {
      // A different order every round, so drifting machine load falls on every class alike.
      const names = Object.keys(classes);
      const order = names.map((_, i) => names[(i + round) % names.length]!);
      for (const name of order) samples[name]!.push(await timed(classes[name]!(round)));
    }
    const [baseline, ...others] = Object.keys(classes);
    const reference = samples[baseline!]!;
    const report = Object.entries(samples).map(([name, xs]) => `${name}: median ${median(xs).toFixed(1)} ms`).join('; ');
    for (const name of others) {
      const xs = samples[name]!;
      const ratio = median(xs) / median(reference);
      const a = probabilityOfSuperiority(xs, reference);
      t.diagnostic(`${name}: median ratio ${ratio.toFixed(2)}, A = ${a.toFixed(2)}`);
      assert.ok(ratio > 0.5 && ratio < 2, `${name}: median ${ratio.toFixed(2)} × the real check's (${report})`);
      assert.ok(a > 0.05 && a < 0.95, `${name}: P(slower than the real check) = ${a.toFixed(2)} (${report})`);
    }
  });
});
