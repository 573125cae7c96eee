import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import session from 'express-session';
import type { SessionData } from 'express-session';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

/** express-session's MemoryStore, recording what every write stored. */
class RecordingStore extends session.MemoryStore {
  writes: SessionData[] = [];
  override set(sid: string, data: SessionData, callback?: (err?: unknown) => void): void {
    this.writes.push(structuredClone(data));
    super.set(sid, data, callback);
  }
}

describe('one sign-in writes the session once after req.login', () => {
  let h: Harness;
  let sessions: RecordingStore;
  before(async () => {
    sessions = new RecordingStore();
    h = await startHarness({ sessionStore: sessions });
  });
  after(async () => h.stop());

  it('a correct code: the write inside req.login (the new session id), then one write with the completed factor', async () => {
    const { secret } = await h.enrolledUser();
    h.clock.advance(30_000);
    const a = await h.halfSignedIn();
    const token = await h.csrf(a, '/mfa/verify');
    sessions.writes.length = 0;
    const res = await a.post('/mfa/verify').type('form').send({ _csrf: token, code: h.codeFor(secret) }).redirects(0);
    assert.equal(res.status, 303);
    assert.equal(sessions.writes.length, 2, 'req.login saves the regenerated session; it is written once more, with the second step recorded');
    assert.equal(sessions.writes[0]!.mfa, undefined, 'the first write is the fresh session req.login made (nothing of the old one)');
    assert.equal(sessions.writes[1]!.mfa?.completed?.method, 'totp');
    assert.equal(sessions.writes[1]!.mfa?.pending, undefined, 'the pending sign-in is gone');
  });
});
