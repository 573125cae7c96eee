import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DEMO_USER } from '../../example-app/app.js';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

// Attack: online password guessing at the sample app's /login (60 parallel wrong passwords were all
// answered 401, each after a scrypt run): per username against one account, per IP across many.
describe('example app: /login attempt limit', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  /** One sign-in attempt from a new browser; `ip` arrives as X-Forwarded-For (the app trusts its proxy). */
  const attempt = async (username: string, password: string, ip?: string) => {
    const a = h.agent();
    const csrf = await h.csrf(a, '/login');
    const req = a.post('/login').type('form');
    if (ip) req.set('X-Forwarded-For', ip);
    return req.send({ _csrf: csrf, username, password }).redirects(0);
  };

  it('lets 10 of 60 parallel wrong passwords for one username be checked, answers the rest 429 with Retry-After', async () => {
    h = await startHarness({ loginLimit: { perUsername: 10, perIp: 1000 } });
    let scryptRuns = 0;
    const verify = h.users.verify.bind(h.users);
    h.users.verify = (username, password) => {
      scryptRuns++;
      return verify(username, password);
    };
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => attempt(DEMO_USER.username, `wrong password ${i}`)));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 401).length, 10, statuses.join(' '));
    assert.equal(statuses.filter((s) => s === 429).length, 50);
    assert.equal(scryptRuns, 10, 'no password hash runs for a refused attempt');
    const refused = results.find((r) => r.status === 429)!;
    assert.equal(refused.headers['retry-after'], '900');
    assert.match(refused.text, /Too many sign-in attempts\. Try again later\./);
    assert.equal((await attempt(DEMO_USER.username, DEMO_USER.password)).status, 429, 'even the right password, until the window ends');
    h.clock.advance(15 * 60_000);
    assert.equal((await attempt(DEMO_USER.username, DEMO_USER.password)).status, 303);
  });

  it('forgets a username’s failed attempts after its right password', async () => {
    h = await startHarness({ loginLimit: { perUsername: 3, perIp: 1000 } });
    for (let i = 0; i < 2; i++) assert.equal((await attempt(DEMO_USER.username, 'wrong')).status, 401);
    assert.equal((await attempt(DEMO_USER.username, DEMO_USER.password)).status, 303);
    for (let i = 0; i < 3; i++) assert.equal((await attempt(DEMO_USER.username, 'wrong')).status, 401);
    assert.equal((await attempt(DEMO_USER.username, 'wrong')).status, 429);
  });

  it('limits attempts per IP across usernames (password spraying), an IPv6 /64 counting as one', async () => {
    h = await startHarness({ loginLimit: { perUsername: 1000, perIp: 5 }, trustProxy: 'loopback' });
    for (let i = 0; i < 5; i++) assert.equal((await attempt(`user${i}`, 'Winter2026!', `2001:db8:0:7::${i + 1}`)).status, 401);
    assert.equal((await attempt('user9', 'Winter2026!', '2001:db8:0:7:ffff::1')).status, 429, 'same /64');
    assert.equal((await attempt('user9', 'Winter2026!', '2001:db8:0:8::1')).status, 401, 'another /64');
  });

  it('refuses a missing or oversized username with 400 before counting', async () => {
    h = await startHarness({ loginLimit: { perUsername: 1, perIp: 1 } });
    assert.equal((await attempt('', 'x')).status, 400);
    assert.equal((await attempt('a'.repeat(257), 'x')).status, 400);
    assert.equal((await attempt(DEMO_USER.username, DEMO_USER.password)).status, 303);
  });
});
