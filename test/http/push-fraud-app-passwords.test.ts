import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import request from 'supertest';
import { basic } from '../support/harness.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';

describe('"This wasn\'t me" and app passwords', () => {
  let h: PushHarness;
  beforeEach(async () => {
    h = await startPushHarness();
  });
  afterEach(async () => h.stop());

  // Attack: someone with the stolen password also holds an app password (created earlier, or by
  // them); the user's fraud report must close that non-browser door too, not only notifications.
  it('revokes every app password of the user who reported the request', async () => {
    const { browser, phone, account } = await h.enrolledPushUser();
    const { password } = await h.createAppPassword(browser, 'Outlook on my laptop', '/mfa/manage/app-passwords/new');
    assert.ok(password, 'an app password was shown');
    const mail = () => request(h.app).get('/api/mail').set('Authorization', basic('alice', password!));
    assert.equal((await mail()).status, 200);

    h.clock.advance(10 * 60_000);
    const attacker = await h.signInToVerify();
    await h.post(attacker, '/mfa/verify/push/send', {}, '/mfa/verify');
    const [challenge] = await phone.waitForChallenges(account, 0);
    assert.equal(await phone.answer(account, challenge!.id, 'fraud'), 'reported');

    const refused = await mail();
    assert.equal(refused.status, 401);
    assert.match(String(refused.headers['www-authenticate']), /^Basic /);
    assert.ok(h.events.some((e) => e.type === 'app_password.revoked'), 'the revocation is audited');
  });
});
