import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_USER } from '../../example-app/app.js';
import { startHarness } from '../support/harness.js';
import type { Agent, Harness } from '../support/harness.js';
import { csrfIn } from '../support/mfa-flow.js';
import { addPhone, signInByPhone } from '../support/phone.js';

/** The account bar's markup: who, and its sign-out form (action and CSRF field). */
function accountBar(html: string): string {
  return /<nav class="mfa-account" aria-label="Account">[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
}

describe('the account bar: who is signing in, Sign out and Back to the app', () => {
  let h: Harness;
  let alice: Agent;
  let secret: string;
  before(async () => {
    h = await startHarness();
    ({ agent: alice, secret } = await h.enrolledUser());
    await addPhone(alice, h.latestCode);
  });
  after(async () => h.stop());

  it('says "Signing in as" on the verify page, with Sign out but no way back into the app yet', async () => {
    const a = await h.halfSignedIn();
    const page = await a.get('/mfa/verify');
    const bar = accountBar(page.text);
    assert.match(bar, new RegExp(`Signing in as <strong>${DEMO_USER.username}</strong>`));
    assert.match(bar, /<form class="mfa-account-sign-out" method="post" action="\/logout">\s*<input type="hidden" name="_csrf" value="[^"]+">\s*<button type="submit" class="mfa-link-button">Sign out<\/button>/);
    assert.doesNotMatch(bar, /Back to the app/, 'the app would only send a half-signed-in visitor back here');
  });

  it('says "Signed in as" on Security info, with Back to the app', async () => {
    const bar = accountBar((await alice.get('/mfa/manage')).text);
    assert.match(bar, new RegExp(`Signed in as <strong>${DEMO_USER.username}</strong>`));
    assert.match(bar, /<a class="mfa-link" href="\/">Back to the app<\/a>/);
    assert.match(bar, />Sign out</);
  });

  it('escapes the account name', async () => {
    const other = await startHarness({ mfaOptions: { getAccountName: () => '<img src=x onerror=alert(1)>' } });
    try {
      const a = await other.halfSignedIn();
      // A new account: the wizard, which shows the bar like every page.
      const bar = accountBar((await a.get('/mfa/setup')).text);
      assert.match(bar, /&lt;img src=x onerror=alert\(1\)&gt;/);
      assert.doesNotMatch(bar, /<img/);
    } finally {
      await other.stop();
    }
  });

  it('Sign out ends the half-finished sign-in with the page\'s CSRF token, and refuses a POST without it', async () => {
    const a = await h.halfSignedIn();
    const page = await a.get('/mfa/verify');
    const refused = await a.post('/logout').type('form').send({}).redirects(0);
    assert.equal(refused.status, 403, 'no token, no sign-out (a cross-site form cannot sign the user out)');
    const out = await a.post('/logout').type('form').send({ _csrf: csrfIn(page.text) }).redirects(0);
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, '/login');
    assert.equal((await a.get('/mfa/verify').redirects(0)).headers.location, '/login', 'signed out');
  });

  it('shows the bar on an error page too, and none to a visitor who is not signed in', async () => {
    const missing = await alice.get('/mfa/no-such-page');
    assert.equal(missing.status, 404);
    // It claims nothing it may not have checked (the error may be a store outage), but offers the way out.
    assert.match(accountBar(missing.text), /Account: <strong>alice<\/strong>/);
    assert.doesNotMatch(accountBar(missing.text), /Signed in as|Back to the app/);
    assert.match(accountBar(missing.text), />Sign out</);
    const stranger = await h.agent().get('/mfa/no-such-page');
    assert.equal(stranger.status, 404);
    assert.equal(accountBar(stranger.text), '');
  });

  it('hides Sign out with logoutPath: false, and posts to the host\'s own route otherwise', async () => {
    for (const [logoutPath, action] of [[false, null], ['/account/sign-out', '/account/sign-out']] as const) {
      const other = await startHarness({ mfaOptions: { logoutPath } });
      try {
        const bar = accountBar((await (await other.halfSignedIn()).get('/mfa/setup')).text);
        assert.match(bar, /Signing in as/);
        if (action === null) assert.doesNotMatch(bar, /Sign out/);
        else assert.match(bar, new RegExp(`action="${action}"`));
      } finally {
        await other.stop();
      }
    }
  });

  it('the home page names the method that completed the second step', async () => {
    const byApp = await h.fullySignedIn(secret);
    assert.match((await byApp.get('/')).text, /your password and a code from your authenticator app\./);
    const byText = await h.halfSignedIn();
    await signInByPhone(byText, h.latestCode, 'sms');
    const home = (await byText.get('/')).text;
    assert.match(home, /your password and a code we sent you by text message\./);
    assert.doesNotMatch(home, /mobile app/);
    h.clock.advance(60_000);
    const byCall = await h.halfSignedIn();
    await signInByPhone(byCall, h.latestCode, 'voice');
    assert.match((await byCall.get('/')).text, /your password and a code we gave you in a phone call\./);
  });
});
