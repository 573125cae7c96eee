import assert from 'node:assert/strict';
import session from 'express-session';
import type { SessionData } from 'express-session';
import { after, before, describe, it } from 'node:test';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

/** express-session's in-memory store, noting each write and removal. */
class CountingStore extends session.MemoryStore {
  writes: string[] = [];
  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    this.writes.push('set');
    super.set(sid, data, callback);
  }
  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.writes.push('destroy');
    super.destroy(sid, callback);
  }
}

// With a session store over the network (Redis, PostgreSQL) every write is a round trip.
describe('session writes of a sign-in', () => {
  let h: Harness;
  let sessions: CountingStore;
  before(async () => {
    sessions = new CountingStore();
    h = await startHarness({ sessionStore: sessions });
  });
  after(async () => h.stop());

  it('completing enrollment and completing verification each replace the session with one write', async () => {
    const a = h.agent();
    await h.login(a);
    const secret = await h.beginSetup(a);
    const token = await h.csrf(a, '/mfa/setup/totp');
    sessions.writes = [];
    const enrolled = await a.post('/mfa/setup/totp').type('form').send({ _csrf: token, code: h.codeFor(secret) }).redirects(0);
    assert.equal(enrolled.status, 303);
    assert.deepEqual(sessions.writes, ['destroy', 'set']);

    h.freshStep();
    const b = await h.halfSignedIn();
    const verifyToken = await h.csrf(b, '/mfa/verify');
    sessions.writes = [];
    const verified = await b.post('/mfa/verify').type('form').send({ _csrf: verifyToken, code: h.codeFor(secret) }).redirects(0);
    assert.equal(verified.status, 303);
    assert.deepEqual(sessions.writes, ['destroy', 'set']);
    assert.match((await b.get('/')).text, /Signed in as alice/);
  });
});
