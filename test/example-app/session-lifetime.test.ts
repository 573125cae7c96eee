import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { SESSION_LIFETIME } from '../../example-app/session-lifetime.js';
import { startHarness } from '../support/harness.js';
import type { Agent, Harness } from '../support/harness.js';

const MINUTE = 60_000;

// Attack: replaying a stolen session cookie (malware, a shared computer, a leaked log) long after
// the user left: the sample app's sessions had no lifetime on the server.
describe('example app: session lifetime', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  const signedIn = async (a: Agent) => {
    const home = await a.get('/').redirects(0);
    return home.status === 200 && /Signed in as alice/.test(home.text);
  };

  it('ends a session after 30 minutes without use, and the cookie says so to the browser', async () => {
    h = await startHarness({ sessionLifetime: SESSION_LIFETIME });
    const { agent } = await h.enrolledUser();
    const res = await agent.get('/').redirects(0);
    const expires = /example\.sid=[^;]+;.*Expires=([^;]+);.*HttpOnly/i.exec(String(res.headers['set-cookie']))?.[1];
    assert.ok(expires, 'every response renews the cookie (rolling), with an expiry');
    const lifetime = Date.parse(expires) - Date.now();
    assert.ok(lifetime > 29 * MINUTE && lifetime <= 30 * MINUTE, `the browser keeps it for the idle time (${lifetime} ms)`);
    h.clock.advance(29 * MINUTE);
    assert.ok(await signedIn(agent), 'used within the idle time');
    h.clock.advance(SESSION_LIFETIME.idleMs);
    assert.ok(!(await signedIn(agent)), 'idle for 30 minutes');
    assert.equal((await agent.get('/').redirects(0)).headers.location, '/login');
  });

  it('ends a session 12 hours after sign-in however active it is', async () => {
    h = await startHarness({ sessionLifetime: SESSION_LIFETIME });
    const { agent } = await h.enrolledUser();
    for (let elapsed = 0; elapsed < SESSION_LIFETIME.absoluteMs - 20 * MINUTE; elapsed += 20 * MINUTE) {
      h.clock.advance(20 * MINUTE);
      assert.ok(await signedIn(agent), `active after ${elapsed / MINUTE + 20} minutes`);
    }
    h.clock.advance(20 * MINUTE);
    assert.ok(!(await signedIn(agent)));
  });

  it('counts from the moment of sign-in, also for a session never used after it (password step only, or both)', async () => {
    h = await startHarness({ sessionLifetime: SESSION_LIFETIME });
    const half = await h.halfSignedIn();
    const { agent: full } = await h.enrolledUser();
    h.clock.advance(SESSION_LIFETIME.idleMs);
    assert.equal((await half.get('/').redirects(0)).headers.location, '/login', 'the half-signed-in session ended');
    assert.ok(!(await signedIn(full)));
  });

  it('takes its lifetime from the options', async () => {
    h = await startHarness({ sessionLifetime: { idleMs: 5 * MINUTE } });
    const { agent } = await h.enrolledUser();
    h.clock.advance(5 * MINUTE);
    assert.ok(!(await signedIn(agent)));
  });
});
