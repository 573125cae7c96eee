import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import type { AuthenticatorClient } from '../../src/authenticator/client.js';
import { startHarness } from '../support/harness.js';
import type { Agent, Harness } from '../support/harness.js';
import { postForm, submitCode } from '../support/mfa-flow.js';
import { addPhone } from '../support/phone.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';

/** The verify page split into its main action and the quiet list under "Other ways to verify". */
function parts(html: string): { main: string; others: string[] } {
  const main = /<div class="mfa-main">([\s\S]*?)<\/div>\s*(?:<section class="mfa-other"|<p class="mfa-hint">)/.exec(html)?.[1] ?? '';
  const list = /<ul class="mfa-other-list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  const others = [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
  return { main, others };
}

/** The primary buttons and links (filled, not quiet or link-styled) of a piece of the page. */
function primaries(html: string): string[] {
  return [...html.matchAll(/class="mfa-button"[^>]*>([^<]+)</g)].map((m) => m[1]!);
}

describe('the verify page: one main action, the default method\'s; the others as quiet links (one-time password and phone)', () => {
  let h: Harness;
  let secret: string;
  let alice: Agent;
  before(async () => {
    h = await startHarness();
    ({ agent: alice, secret } = await h.enrolledUser());
    await addPhone(alice, h.latestCode);
    // The wizard's step that shows (and makes) the recovery codes.
    assert.equal((await alice.get('/mfa/setup/recovery-codes')).status, 200);
  });
  after(async () => h.stop());

  it('offers the code field as the main action, Text me / Call me and the recovery code as links', async () => {
    const b = await h.halfSignedIn();
    const { main, others } = parts((await b.get('/mfa/verify')).text);
    assert.match(main, /<label for="mfa-code">Verification code<\/label>/);
    assert.match(main, /autofocus/);
    assert.deepEqual(primaries(main), ['Verify']);
    assert.equal(others.length, 2, 'the phone and the recovery codes');
    assert.match(others[0]!, /<button type="submit" class="mfa-link-button" name="channel" value="sms">Text me<\/button>/);
    assert.match(others[0]!, /<button type="submit" class="mfa-link-button" name="channel" value="voice">Call me<\/button>/);
    assert.match(others[0]!, /\+1 ••• ••• 0123/);
    assert.match(others[1]!, /<a class="mfa-link" href="\/mfa\/verify\/recovery">Use a recovery code<\/a>/);
  });

  it('"Text me" among the other ways sends a code like the main button would', async () => {
    const b = await h.halfSignedIn();
    const sent = await postForm(b, '/mfa/verify/phone/send', { channel: 'sms' }, '/mfa/verify');
    assert.equal(sent.headers.location, '/mfa/verify/phone');
  });

  it('names the resend buttons by the way the last code came: "again" for it, "instead" for the other', async () => {
    const texted = await h.halfSignedIn();
    await postForm(texted, '/mfa/verify/phone/send', { channel: 'sms' }, '/mfa/verify');
    const byText = (await texted.get('/mfa/verify/phone')).text;
    assert.match(byText, /value="sms">Text me again</);
    assert.match(byText, /value="voice">Call me instead</);
    h.clock.advance(60_000);
    const called = await h.halfSignedIn();
    await postForm(called, '/mfa/verify/phone/send', { channel: 'voice' }, '/mfa/verify');
    const byCall = (await called.get('/mfa/verify/phone')).text;
    assert.match(byCall, /value="sms">Text me instead</);
    assert.match(byCall, /value="voice">Call me again</);
  });

  it('keeps the code field main after a wrong code, marked invalid, with the error', async () => {
    const b = await h.halfSignedIn();
    const res = await submitCode(b, '/mfa/verify', h.wrongCode(secret));
    assert.equal(res.status, 401);
    const { main } = parts(res.text);
    assert.match(main, /aria-invalid="true" aria-describedby="mfa-code-error"/);
    assert.match(res.text, /<p class="mfa-error" role="alert" id="mfa-code-error">/);
  });

  it('makes the phone the main action with ?use=phone: "Text me" primary, "Call me" quiet, the code as a link', async () => {
    const b = await h.halfSignedIn();
    const { main, others } = parts((await b.get('/mfa/verify?use=phone')).text);
    assert.deepEqual(primaries(main), ['Text me']);
    assert.match(main, /class="mfa-button mfa-button-quiet" name="channel" value="voice">Call me</);
    assert.doesNotMatch(main, /mfa-code/);
    assert.match(others[0]!, /<a class="mfa-link" href="\/mfa\/verify\?use=totp">Use a verification code<\/a>/);
  });

  // Attack-free robustness: a hand-made query must not break the page or pick something not offered.
  it('ignores a ?use= that names nothing offered, an array or a huge value, and shows the default', async () => {
    const b = await h.halfSignedIn();
    for (const query of ['use=push', 'use=nope', 'use[]=phone', 'use=phone&use=totp', `use=${'x'.repeat(10_000)}`, 'use=%00']) {
      const res = await b.get(`/mfa/verify?${query}`);
      assert.equal(res.status, 200, query);
      assert.match(parts(res.text).main, /Verification code/, query);
    }
  });

  it('makes the phone main for a user who made it the default', async () => {
    const phone = (await h.store.core.listFactors(await h.userId())).find((f) => f.type === 'phone')!;
    const res = await postForm(alice, `/mfa/manage/factors/${phone.id}/default`, {}, '/mfa/manage');
    assert.equal(res.status, 303);
    const b = await h.halfSignedIn();
    const { main, others } = parts((await b.get('/mfa/verify')).text);
    assert.deepEqual(primaries(main), ['Text me']);
    assert.ok(others.some((o) => o.includes('Use a verification code')));
  });
});

describe('the verify page for a notification user: "Contact me" main, no code field, "I approved it" not an error', () => {
  let h: PushHarness;
  let phone: AuthenticatorClient;
  let account: AuthenticatorAccount;
  beforeEach(async () => {
    h = await startPushHarness();
    let browser: Agent;
    ({ browser, phone, account } = await h.enrolledPushUser());
    assert.equal((await browser.get('/mfa/setup/recovery-codes')).status, 200);
    h.clock.advance(10 * 60_000);
  });
  afterEach(async () => h.stop());

  it('has "Contact me" as its one main action and no code field to start the cursor in', async () => {
    const b = await h.signInToVerify();
    const page = (await b.get('/mfa/verify')).text;
    const { main, others } = parts(page);
    assert.deepEqual(primaries(page.slice(page.indexOf('<h1'))), ['Contact me'], 'one filled button on the page');
    assert.doesNotMatch(page, /id="mfa-code"|autofocus/);
    assert.match(main, />Contact me</);
    assert.match(others[0]!, /<a class="mfa-link" href="\/mfa\/verify\?use=totp">Use a verification code<\/a>/);
    assert.ok(others.some((o) => />Use a recovery code</.test(o)));
  });

  it('names the app on Security info by the phone\'s own name until the user renames it', async () => {
    const { browser } = await h.enrolledPushUser('bob', phone);
    const page = (await browser.get('/mfa/manage')).text;
    assert.match(page, /<span class="mfa-factor-name">Test phone<\/span> <span class="mfa-badge">Default<\/span> <span class="mfa-factor-method">Mobile app: notification<\/span>/);
    const rename = (await browser.get(/href="(\/mfa\/manage\/factors\/[^"]+\/rename)"/.exec(page)![1]!)).text;
    assert.match(rename, /Mobile app: notification: Test phone\./, 'the name the row shows, not the method’s default label');
    assert.match(rename, /name="name" type="text"[^>]* value="Test phone"/);
  });

  it('"Use a verification code" makes the code field main and offers the notification as a link', async () => {
    const b = await h.signInToVerify();
    const { main, others } = parts((await b.get('/mfa/verify?use=totp')).text);
    assert.match(main, /autofocus/);
    assert.match(others[0]!, /action="\/mfa\/verify\/push\/send"[\s\S]*class="mfa-link-button">Send a notification</);
  });

  it('"I approved it" pressed early says "Not approved yet" as a status, not an error, and keeps the number', async () => {
    const b = await h.signInToVerify();
    await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
    const early = await h.post(b, '/mfa/verify/push', { method: 'push' }, '/mfa/verify/push');
    assert.equal(early.status, 409, 'scripts still learn that nothing was approved');
    assert.match(early.text, /<p class="mfa-info" role="status"><strong>Not approved yet\.<\/strong> Approve the request in the app, then select “I approved it” again\.<\/p>/);
    assert.doesNotMatch(early.text, /class="mfa-error"/);
    assert.match(early.text, /aria-label="Number to enter"/);
    assert.match(early.text, /id="mfa-push-manual">I approved it</);
    assert.match(early.text, /href="\/mfa\/verify\?use=totp" class="mfa-link">Use a verification code instead</);
    const [challenge] = await phone.waitForChallenges(account, 0);
    assert.ok(challenge, 'the notification is still pending');
  });

  it('while notifications are paused, the code field is main and the notification line says until when', async () => {
    for (let i = 0; i < 3; i++) {
      const b = await h.signInToVerify();
      await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
      const [challenge] = await phone.waitForChallenges(account, 0);
      await phone.answer(account, challenge!.id, 'deny');
    }
    const b = await h.signInToVerify();
    const page = (await b.get('/mfa/verify')).text;
    const { main, others } = parts(page);
    assert.match(main, /Verification code/);
    assert.doesNotMatch(page, /Contact me|Send a notification/);
    assert.match(others[0]!, /Notifications to your mobile app are paused\. You can send a notification again after <time datetime="[^"]+" data-local-time>\d\d:\d\d UTC<\/time>\./);
  });
});

describe('push.autoSend and a method picked on the page', () => {
  let h: PushHarness;
  beforeEach(async () => {
    h = await startPushHarness({ mfaOptions: { push: { autoSend: true } } });
  });
  afterEach(async () => h.stop());

  it('sends nothing when the user asked for the code field (?use=totp)', async () => {
    const { phone, account } = await h.enrolledPushUser();
    h.clock.advance(60_000);
    const b = await h.signInToVerify();
    const res = await b.get('/mfa/verify?use=totp').redirects(0);
    assert.equal(res.status, 200);
    assert.match(parts(res.text).main, /Verification code/);
    assert.deepEqual(await phone.waitForChallenges(account, 0), [], 'no notification was sent');
  });
});
