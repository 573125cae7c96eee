import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { postForm } from '../support/mfa-flow.js';
import { KEY_ORIGIN } from '../support/security-key.js';
import { US_NUMBER } from '../support/phone.js';

/** The step indicator's items as "state:label", and its "Step n of m". */
function progressOf(html: string): { count: string | null; steps: string[]; current: string[] } {
  const nav = /<nav class="mfa-progress" aria-label="Setup steps">([^]*?)<\/nav>/.exec(html)?.[1] ?? '';
  const steps = [...nav.matchAll(/<li class="mfa-progress-(\w+)"[^>]*>(?:<span[^>]*><\/span>)?(?:<span class="mfa-sr">[^<]*<\/span>)?([^<]+)<\/li>/g)].map((m) => `${m[1]}:${m[2]}`);
  const current = [...nav.matchAll(/<li[^>]*aria-current="step"[^>]*>(?:<span[^>]*>[^<]*<\/span>)*([^<]+)<\/li>/g)].map((m) => m[1]!);
  return { count: /Step (\d+ of \d+)/.exec(nav)?.[1] ?? null, steps, current };
}

describe('the first-run setup wizard', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  it('asks "How should we contact you?" without a one-item list, and shows step 1 of 4', async () => {
    h = await startHarness();
    const a = h.agent();
    await h.login(a);
    const page = (await a.get('/mfa/setup')).text;
    assert.doesNotMatch(page, /<select/, 'one contact (Mobile app): no drop-down of one');
    assert.match(page, /<legend>How should we contact you\?<\/legend>/);
    assert.match(page, /<input type="radio" name="mode" value="notification"[^>]*>\s*<span>Notification/);
    assert.match(page, /<input type="radio" name="mode" value="otp" checked>\s*<span>One-time password/);
    assert.match(page, /<input type="hidden" name="contact" value="mobile_app">/);
    assert.match(page, />Set up</);
    assert.doesNotMatch(page, /Step 1:/);
    assert.deepEqual(progressOf(page), {
      count: '1 of 4',
      steps: ['current:Mobile app', 'next:Recovery codes', 'next:Backup phone', 'next:App passwords'],
      current: ['Mobile app'],
    });
    assert.match(page, /<nav class="mfa-progress" aria-label="Setup steps">/);
    assert.doesNotMatch(page, /Cancel/, 'the first method is not optional');
  });

  it('says the only way there is in words, and Set up still works', async () => {
    h = await startHarness({ mfaOptions: { push: { enabled: false } } });
    const a = h.agent();
    await h.login(a);
    const page = (await a.get('/mfa/setup')).text;
    assert.doesNotMatch(page, /<select|type="radio"/);
    assert.match(page, /<p class="mfa-only-choice"><strong>Mobile app: One-time password<\/strong><small>Use verification codes from an authenticator app\.<\/small><\/p>/);
    const res = await postForm(a, '/mfa/setup', { contact: 'mobile_app', mode: 'otp' });
    assert.equal(res.headers.location, '/mfa/setup/totp');
  });

  it('offers a list with several contacts (Mobile app, Security key), with a script that shows only the chosen one\'s options', async () => {
    h = await startHarness({ origin: KEY_ORIGIN });
    const a = h.agent();
    await h.login(a);
    const page = (await a.get('/mfa/setup')).text;
    assert.match(page, /<label for="mfa-contact">How should we contact you\?<\/label>/);
    assert.match(page, /<option value="mobile_app" selected>Mobile app<\/option>\s*<option value="security_key">Security key<\/option>/);
    assert.match(page, /<fieldset class="mfa-choices" data-contact="mobile_app">\s*<legend>How do you want to use the mobile app\?<\/legend>/);
    assert.match(page, /<p class="mfa-hint" data-contact="security_key">A hardware key/);
    assert.match(page, /<script src="\/mfa\/assets\/setup-choice\.js" defer><\/script>/);
    assert.equal((await a.get('/mfa/assets/setup-choice.js')).status, 200);
    assert.equal(progressOf(page).steps[0], 'current:Sign-in method');
    assert.equal((await postForm(a, '/mfa/setup', { contact: 'security_key' })).headers.location, '/mfa/setup/security-key');
    assert.equal(progressOf((await a.get('/mfa/setup/security-key')).text).steps[0], 'current:Security key');
  });

  it('confirms each verified step with a check mark, marks skipped ones, and ends on one summary with Done', async () => {
    h = await startHarness();
    const a = h.agent();
    await h.login(a);
    const secret = await h.beginSetup(a);
    assert.equal(progressOf((await a.get('/mfa/setup/totp')).text).count, '1 of 4');
    assert.equal((await h.submitCode(a, '/mfa/setup/totp', h.codeFor(secret))).headers.location, '/mfa/setup/recovery-codes');

    const codes = (await a.get('/mfa/setup/recovery-codes')).text;
    assert.match(codes, /<div class="mfa-success" role="status"><span class="mfa-check" aria-hidden="true"><\/span><p><strong>Mobile app verified\.<\/strong> Your mobile app is set up\./);
    assert.deepEqual(progressOf(codes).steps, ['done:Mobile app', 'current:Recovery codes', 'next:Backup phone', 'next:App passwords']);
    assert.match(codes, /<span class="mfa-sr">Done: <\/span>Mobile app/, 'the check mark is read out too');
    assert.match(codes, /href="\/mfa\/setup\/phone"[^>]*>Done</, 'the recovery codes keep their Done, on to the next step');

    const phone = (await a.get('/mfa/setup/phone')).text;
    assert.equal(progressOf(phone).count, '3 of 4');
    assert.deepEqual(progressOf(phone).current, ['Backup phone']);
    assert.doesNotMatch(phone, /Mobile app verified/, 'the confirmation is shown once');
    assert.equal((await postForm(a, '/mfa/setup/phone', { action: 'skip', then: 'wizard' })).headers.location, '/mfa/setup/app-passwords');

    const apps = (await a.get('/mfa/setup/app-passwords')).text;
    assert.deepEqual(progressOf(apps).steps, ['done:Mobile app', 'done:Recovery codes', 'skipped:Backup phone', 'current:App passwords']);
    assert.match(apps, /<span class="mfa-sr">Skipped: <\/span>Backup phone/);
    const { res } = await h.createAppPassword(a, 'Outlook');
    assert.match(res.text, /href="\/mfa\/setup\/done"[^>]*>Continue</);

    const summary = await a.get('/mfa/setup/done');
    assert.equal(summary.status, 200);
    assert.equal((summary.text.match(/>Done</g) ?? []).length, 1, 'one Done');
    assert.match(summary.text, /Verification successful\./);
    const items = [...summary.text.matchAll(/<li class="mfa-summary-(\w+)">[^]*?<strong>([^<]+)<\/strong>[^]*?<small>([^<]*)<\/small>/g)].map((m) => `${m[1]}|${m[2]}|${m[3]}`);
    assert.deepEqual(items, [
      'done|Mobile app: one-time password|Authenticator app',
      'done|Recovery codes|10 single-use codes for when nothing else works',
      'skipped|Backup phone|Skipped. You can set this up any time on Security info.',
      'done|App passwords|1 app password: “Outlook”',
    ]);
    assert.doesNotMatch(summary.text, /mfa-progress/, 'the summary lists the steps itself');
  });

  it('confirms a verified backup phone on the next step', async () => {
    h = await startHarness();
    const a = h.agent();
    await h.login(a);
    const secret = await h.beginSetup(a);
    await h.submitCode(a, '/mfa/setup/totp', h.codeFor(secret));
    await postForm(a, '/mfa/setup/phone', { country: 'US', number: US_NUMBER.typed, channel: 'sms', action: 'next', then: 'wizard' });
    const code = (await a.get('/mfa/setup/phone/verify')).text;
    assert.equal(progressOf(code).count, '3 of 4');
    assert.match(code, /name="action" value="skip">Skip</);
    assert.equal((await postForm(a, '/mfa/setup/phone/verify', { code: h.latestCode() })).headers.location, '/mfa/setup/app-passwords');
    const apps = (await a.get('/mfa/setup/app-passwords')).text;
    assert.match(apps, /<strong>Backup phone verified\.<\/strong>/);
    assert.deepEqual(progressOf(apps).steps.slice(0, 3), ['done:Mobile app', 'skipped:Recovery codes', 'done:Backup phone']);
    const summary = (await a.get('/mfa/setup/done')).text;
    assert.match(summary, /<strong>Backup phone<\/strong>[^]*?<small>\+1 ••• ••• 0123<\/small>/);
  });
});
