import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aroundStoreMethods } from '../support/facet-proxy.js';
import type { StoreMethodPath } from '../support/facet-proxy.js';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

// With a store over the network (PostgreSQL) every statement is a round trip; on SQLite each
// costs more CPU per request than its query suggests (docs/performance.md).
describe('store calls of a verification', () => {
  let h: Harness;
  let calls: StoreMethodPath[] = [];
  before(async () => {
    h = await startHarness({}, {
      wrapStore: (base) => aroundStoreMethods(base, (path, call) => {
        calls.push(path);
        return call();
      }),
    });
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
