import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { basic, startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const WRONG = 'abcd-efgh-ijkm-npqr-stuv-wxyz-2345';
const WINDOW_MS = 15 * 60_000;

// Attack: online guessing of app passwords (or, for users without MFA, account passwords) over Basic.
describe('rate limiting of failed Basic attempts', () => {
  let h: Harness;
  let password: string;
  before(async () => {
    h = await startHarness();
    const { agent } = await h.enrolledUser();
    password = (await h.createAppPassword(agent, 'Outlook')).password!;
  });
  after(async () => h.stop());

  const mail = (username: string, pw: string) => h.agent().get('/api/mail').set('Authorization', basic(username, pw));

  it('refuses everything for a username with 429 + Retry-After after 10 failures, until the window ends', async () => {
    for (let i = 0; i < 10; i++) assert.equal((await mail('alice', WRONG)).status, 401, `failure ${i + 1}`);
    const limited = await mail('alice', password);
    assert.equal(limited.status, 429, 'even the right password, so guessing cannot tell');
    assert.equal(limited.headers['retry-after'], String(WINDOW_MS / 1000));
    assert.equal((await mail('ALICE', WRONG)).status, 429, 'case variants share the counter');
    assert.equal(h.events.at(-1)?.type, 'app_password.rate_limited');

    h.clock.advance(WINDOW_MS - 60_000);
    assert.equal((await mail('alice', password)).headers['retry-after'], '60');
    h.clock.advance(60_000);
    assert.equal((await mail('alice', password)).status, 200);
  });

  it('refuses everything from an IP with 429 after 50 failures across usernames', async () => {
    h.clock.advance(WINDOW_MS);
    for (let i = 0; i < 50; i++) assert.equal((await mail(`user${i}`, WRONG)).status, 401);
    const limited = await mail('alice', password);
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    h.clock.advance(WINDOW_MS);
    assert.equal((await mail('alice', password)).status, 200);
  });

  it('does not count successes or requests without credentials', async () => {
    h.clock.advance(WINDOW_MS);
    for (let i = 0; i < 60; i++) assert.equal((await mail('alice', password)).status, 200);
    for (let i = 0; i < 60; i++) assert.equal((await h.agent().get('/api/mail')).status, 401);
    assert.equal((await mail('alice', password)).status, 200);
  });

  it('shares the counts between app instances, since they live in the store', async () => {
    h.clock.advance(WINDOW_MS);
    const other = await h.anotherInstance();
    for (let i = 0; i < 10; i++) {
      const app = i % 2 === 0 ? h.app : other.app;
      assert.equal((await request(app).get('/api/mail').set('Authorization', basic('alice', WRONG))).status, 401);
    }
    assert.equal((await request(other.app).get('/api/mail').set('Authorization', basic('alice', password))).status, 429);
    assert.equal((await mail('alice', password)).status, 429);
  });
});
