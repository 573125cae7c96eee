import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { basic, formTokenIn, shownAppPassword, startHarness } from '../support/harness.js';
import type { Agent, Harness } from '../support/harness.js';
import { csrfIn } from '../support/mfa-flow.js';

const APP_PASSWORD = /^[2-9a-km-np-z]{4}(-[2-9a-km-np-z]{4}){6}$/;

describe('app passwords in the setup wizard', () => {
  let h: Harness;
  let alice: Agent;
  before(async () => {
    h = await startHarness();
    ({ agent: alice } = await h.enrolledUser());
  });
  after(async () => h.stop());

  it('follows the mobile app, and shows a new password once, with Copy and Continue (the closing summary has the one Done)', async () => {
    const page = await alice.get('/mfa/setup/app-passwords');
    assert.equal(page.status, 200);
    assert.match(page.text, /Last, set up app passwords for apps that can't ask for a second step/);
    assert.match(page.text, /<li class="mfa-progress-current" aria-current="step">App passwords<\/li>/, 'the last step of the indicator');
    assert.match(page.text, /<label for="mfa-app-password-name">Name<\/label>/);
    assert.match(page.text, />Create app password</);
    assert.match(page.text, />Skip</);

    const { res, password } = await h.createAppPassword(alice, 'Outlook on my laptop');
    assert.equal(res.status, 201);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(password ?? '', APP_PASSWORD);
    assert.match(res.text, /<label for="mfa-app-password">App password<\/label>/);
    assert.match(res.text, /<input id="mfa-app-password"[^>]*readonly/);
    assert.match(res.text, /data-copy-from="mfa-app-password">Copy</);
    assert.match(res.text, /<script src="\/mfa\/assets\/copy\.js" defer><\/script>/);
    assert.doesNotMatch(res.text, /<script>|<script(?![^>]*src=)[^>]*>/, 'no inline script under the CSP');
    assert.match(res.headers['content-security-policy'] as string, /script-src 'self'/);
    assert.match(res.text, /href="\/mfa\/setup\/done"[^>]*>Continue</);
    assert.doesNotMatch(res.text, />Done</, 'no "Done" right before the summary\'s "Done"');

    const script = await alice.get('/mfa/assets/copy.js');
    assert.equal(script.status, 200);
    assert.match(script.headers['content-type'] as string, /javascript/);

    const mail = await h.agent().get('/api/mail').set('Authorization', basic('alice', password!));
    assert.equal(mail.status, 200);
  });

  // Attack: reading a shown password back later (reload, back button, shared computer, stored copy).
  it('never shows the password again: not on GET, not on a resubmitted form, not in the database', async () => {
    const form = await alice.get('/mfa/setup/app-passwords');
    const csrf = csrfIn(form.text)!;
    const formToken = formTokenIn(form.text)!;
    const body = { _csrf: csrf, form: formToken, name: 'Thunderbird' };
    const first = await alice.post('/mfa/setup/app-passwords').type('form').send(body).redirects(0);
    const password = shownAppPassword(first.text);
    assert.ok(password, 'the new password is shown once');

    const reload = await alice.post('/mfa/setup/app-passwords').type('form').send(body).redirects(0);
    assert.equal(reload.status, 303, 'a resubmitted form creates nothing');
    assert.equal(reload.headers.location, '/mfa/setup/app-passwords');
    for (const path of ['/mfa/setup/app-passwords', '/mfa/manage', '/mfa/setup/done']) {
      const again = await alice.get(path);
      assert.equal(again.text.includes(password), false, `shown again on ${path}`);
    }
    const names = (await alice.get('/mfa/manage')).text.match(/<td>Thunderbird<\/td>/g);
    assert.equal(names?.length, 1, 'the reload did not create a second one');

    for (const file of readdirSync(h.dataDir)) {
      const bytes = readFileSync(join(h.dataDir, file));
      assert.equal(bytes.includes(password), false, `plaintext in ${file}`);
      assert.equal(bytes.includes(password.replace(/-/g, '')), false, `plaintext in ${file}`);
    }
  });

  describe('the Name', () => {
    const bad: Array<[string, string]> = [
      ['empty', ''],
      ['only spaces', '   '],
      ['65 characters', 'x'.repeat(65)],
      ['a control character', 'Outlook\u0007'],
      ['a newline', 'Out\nlook'],
      ['a bidi override', 'Outlook \u202egnp.exe'],
      ['a zero-width joiner', 'Out\u200dlook'],
    ];
    for (const [label, name] of bad) {
      it(`refuses ${label} with a message, creating nothing`, async () => {
        const before = (await alice.get('/mfa/manage')).text;
        const { res, password } = await h.createAppPassword(alice, name);
        assert.equal(res.status, 400);
        assert.equal(password, null);
        assert.match(res.text, /class="mfa-error"[^>]*>(Give the app password a name of 1 to 64 characters|The name can contain only printable characters)/);
        assert.equal((await alice.get('/mfa/manage')).text, before);
      });
    }

    it('refuses a name that is not a string (400, not 500)', async () => {
      const form = await alice.get('/mfa/setup/app-passwords');
      const csrf = csrfIn(form.text)!;
      const formToken = formTokenIn(form.text)!;
      const res = await alice.post('/mfa/setup/app-passwords').send({ _csrf: csrf, form: formToken, name: ['a', 'b'] }).redirects(0);
      assert.equal(res.status, 400);
    });

    it('trims, accepts 64 characters (counted as characters, not bytes) and escapes the name', async () => {
      const long = 'é'.repeat(60) + '<b>';
      const { res } = await h.createAppPassword(alice, `  ${long}  `);
      assert.equal(res.status, 201);
      assert.match(res.text, new RegExp(`"${'é'.repeat(60)}&lt;b&gt;"`));
    });
  });

  // Attack: an attacker who knows only the account password adds an app password (a permanent backdoor).
  it('is reachable only with a completed, fresh second factor', async () => {
    const b = h.agent();
    await h.login(b);
    const page = await b.get('/mfa/setup/app-passwords').redirects(0);
    assert.equal(page.status, 303);
    assert.equal(page.headers.location, '/mfa/verify');
    assert.equal((await h.agent().get('/mfa/setup/app-passwords').redirects(0)).headers.location, '/login');
  });
});
