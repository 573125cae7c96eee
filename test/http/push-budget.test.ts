import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import type { AuthenticatorClient } from '../../src/authenticator/client.js';
import type { FraudReport } from '../../src/push/fraud-report.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';
import type { Agent } from '../support/harness.js';

describe('push-bombing defences and "This wasn\'t me"', () => {
  let h: PushHarness;
  let phone: AuthenticatorClient;
  let account: AuthenticatorAccount;
  let reports: FraudReport[];

  beforeEach(async () => {
    reports = [];
    h = await startPushHarness({ mfaOptions: { onFraudReport: (r) => void reports.push(r) } });
    ({ phone, account } = await h.enrolledPushUser());
    // The setup notification counted too; start every test with a fresh budget window.
    h.clock.advance(10 * 60_000);
  });
  afterEach(async () => h.stop());

  const contactMe = (b: Agent) => h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');

  async function denyLatest(): Promise<void> {
    const [challenge] = await phone.waitForChallenges(account, 0);
    await phone.answer(account, challenge!.id, 'deny');
  }

  // Attack: push bombing, hoping a tired user taps Approve.
  it('sends at most 5 notifications per user per 10 minutes, then offers the one-time password', async () => {
    const b = await h.signInToVerify();
    for (let i = 0; i < 5; i++) assert.equal((await contactMe(b)).status, 303, `notification ${i + 1}`);
    const refused = await contactMe(b);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    assert.match(refused.text, /We sent 5 notifications recently/);
    assert.match(refused.text, /Verification code/, 'the page offers the one-time password');
    assert.ok(h.events.some((e) => e.type === 'push.budget_exhausted'));
    h.clock.advance(10 * 60_000);
    assert.equal((await contactMe(await h.signInToVerify())).status, 303, 'a new window');
  });

  // Attack: push bombing from many sessions in parallel, racing the budget check.
  it('keeps the budget under parallel requests from many sessions', async () => {
    const browsers = await Promise.all(Array.from({ length: 8 }, () => h.signInToVerify()));
    const tokens = await Promise.all(browsers.map((b) => h.csrf(b, '/mfa/verify')));
    const results = await Promise.all(browsers.map((b, i) => b.post('/mfa/verify/push/send').type('form').send({ _csrf: tokens[i] }).redirects(0)));
    assert.equal(results.filter((r) => r.status === 303).length, 5);
    assert.equal(results.filter((r) => r.status === 429).length, 3);
  });

  it('pauses notifications after 3 denials', async () => {
    const b = await h.signInToVerify();
    for (let i = 0; i < 3; i++) {
      await contactMe(b);
      await denyLatest();
    }
    const paused = await contactMe(b);
    assert.equal(paused.status, 429);
    assert.match(paused.text, /denied, so notifications are paused/);
    h.clock.advance(10 * 60_000);
    assert.equal((await contactMe(await h.signInToVerify())).status, 303, 'the cooldown ends');
  });

  it('"This wasn\'t me" records the report, blocks notifications for 24 h, calls the hook and shows a notice next time', async () => {
    const b = await h.signInToVerify();
    await contactMe(b);
    const [challenge] = await phone.waitForChallenges(account, 0);
    assert.equal(await phone.answer(account, challenge!.id, 'fraud'), 'reported');

    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.challengeId, challenge!.id);
    assert.equal(reports[0]!.context.ip, '127.0.0.1');
    assert.equal(reports[0]!.blockedUntil, h.clock.now() + 24 * 60 * 60_000);
    assert.ok(h.events.some((e) => e.type === 'push.fraud_reported' && (e as { challengeId?: string }).challengeId === challenge!.id));
    const result = await h.post(b, '/mfa/verify/push', { method: 'push' }, '/mfa/verify/push');
    assert.match(result.text, /reported as &#34;This wasn&#39;t me&#34;/);
    for (const shown of [result.text, (await b.get('/mfa/verify/push')).text]) {
      // After the answer and after a reload alike: why it ended, the pause, and codes as the way on.
      assert.match(shown, /a request was reported as &#34;This wasn&#39;t me&#34;/);
      assert.match(shown, /You can send a notification again after <time/);
      assert.match(shown, /<a class="mfa-button" href="\/mfa\/verify\?use=totp">Use a verification code<\/a>/);
      assert.doesNotMatch(shown, /Send another notification/);
    }

    h.clock.advance(60_000);
    const next = await h.signInToVerify();
    const page = await next.get('/mfa/verify');
    assert.match(page.text, /A sign-in request was reported as "This wasn't me"/);
    assert.match(page.text, /IP address 127\.0\.0\.1/);
    const reloaded = (await next.get('/mfa/verify')).text;
    assert.doesNotMatch(reloaded, /IP address 127\.0\.0\.1/, 'the report itself is shown once');
    // The pause itself is said on every visit, with its end, and "Contact me" (which would fail) is gone.
    const until = new Date(reports[0]!.blockedUntil).toISOString();
    assert.ok(reloaded.includes(`You can send a notification again after <time datetime="${until}" data-local-time>`), 'says until when');
    assert.doesNotMatch(reloaded, /Contact me/);
    assert.match(reloaded, /<div class="mfa-main">[\s\S]*?<label for="mfa-code">Verification code<\/label>/, 'what still works is the main action');
    const blocked = await contactMe(next);
    assert.equal(blocked.status, 429);
    assert.match(blocked.text, /Notifications are paused/);
    h.clock.advance(24 * 60 * 60_000);
    assert.equal((await contactMe(await h.signInToVerify())).status, 303, 'the block ends after 24 h');
  });
});

describe('push.autoSend', () => {
  let h: PushHarness;
  beforeEach(async () => {
    h = await startPushHarness({ mfaOptions: { push: { autoSend: true } } });
  });
  afterEach(async () => h.stop());

  it('sends the notification as soon as the verify page opens', async () => {
    const { phone, account } = await h.enrolledPushUser();
    h.clock.advance(60_000);
    const b = await h.signInToVerify();
    const res = await b.get('/mfa/verify').redirects(0);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/mfa/verify/push');
    assert.equal((await phone.waitForChallenges(account, 0)).length, 1);
    const again = await b.get('/mfa/verify').redirects(0);
    assert.equal(again.status, 200, 'coming back to the page does not send another');
  });
});
