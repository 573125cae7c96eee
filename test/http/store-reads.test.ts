import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aroundStoreMethods } from '../support/facet-proxy.js';
import type { StoreMethodPath } from '../support/facet-proxy.js';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

/** The store methods called since the test last emptied it. */
let calls: StoreMethodPath[] = [];

/** A harness whose store records each method called into `calls`. */
function recordingHarness(): Promise<Harness> {
  return startHarness({}, {
    wrapStore: (base) => aroundStoreMethods(base, (path, call) => {
      calls.push(path);
      return call();
    }),
  });
}

// With a store over the network (PostgreSQL) every statement is a round trip; on SQLite each
// costs more CPU per request than its query suggests (docs/performance.md).
describe('store calls of a verification', () => {
  let h: Harness;
  before(async () => {
    h = await recordingHarness();
  });
  after(async () => h.stop());

  it('lists the user\'s factors once, for the check and the session\'s stamp, and the next guarded page reads nothing', async () => {
    const { secret } = await h.enrolledUser();
    h.clock.advance(30_000);
    const a = await h.halfSignedIn();
    const token = await h.csrf(a, '/mfa/verify');
    calls = [];
    assert.equal((await a.post('/mfa/verify').type('form').send({ _csrf: token, code: h.codeFor(secret) }).redirects(0)).status, 303);
    assert.deepEqual(calls, ['core.getLockout', 'core.listFactors', 'core.consumeTimeStep', 'sessionGenerations.get']);
    calls = [];
    assert.equal((await a.get('/').redirects(0)).status, 200);
    assert.deepEqual(calls, [], 'the guard holds what the stamp read');
  });
});

describe('store calls of the verify page', () => {
  let h: Harness;
  before(async () => {
    h = await recordingHarness();
  });
  after(async () => h.stop());

  it('reads the lockout once to draw the verify page, locked or not', async () => {
    const { secret } = await h.enrolledUser();
    h.clock.advance(30_000);
    const a = await h.halfSignedIn();
    calls = [];
    assert.equal((await a.get('/mfa/verify').redirects(0)).status, 200);
    assert.deepEqual(calls.filter((c) => c === 'core.getLockout'), ['core.getLockout']);
    for (let i = 0; i < 5; i++) await h.submitCode(a, '/mfa/verify', h.wrongCode(secret));
    calls = [];
    const locked = await a.get('/mfa/verify').redirects(0);
    assert.match(locked.text, /Too many failed attempts/);
    assert.deepEqual(calls.filter((c) => c === 'core.getLockout'), ['core.getLockout']);
  });

  it('lists the factors once when a half-signed-in user with a method opens the setup page', async () => {
    const a = await h.halfSignedIn();
    calls = [];
    const res = await a.get('/mfa/setup').redirects(0);
    assert.equal(res.headers.location, '/mfa/verify');
    assert.deepEqual(calls, ['core.listFactors']);
  });
});
