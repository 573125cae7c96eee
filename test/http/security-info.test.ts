import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { startHarness } from '../support/harness.js';
import type { Agent, Harness } from '../support/harness.js';
import { beginTotpSetup, csrfOf, postForm, submitCode } from '../support/mfa-flow.js';
import { addPhone } from '../support/phone.js';
import type { FactorRecord } from '../../src/stores/facets/core.js';

describe('Security info', () => {
  let h: Harness;
  let alice: Agent;
  let app: FactorRecord;
  let phone: FactorRecord;
  beforeEach(async () => {
    h = await startHarness();
    ({ agent: alice } = await h.enrolledUser());
    await addPhone(alice, h.latestCode);
    [app, phone] = (await h.store.core.listFactors(await h.userId())).filter((f) => f.confirmedAt !== null) as [FactorRecord, FactorRecord];
  });
  afterEach(async () => h.stop());

  const factor = async (id: string) => h.store.core.getFactor(id);
  const rowOf = (html: string, id: string) => {
    const rows = html.split('<tr>').slice(1);
    return rows.find((r) => r.includes(`/factors/${encodeURIComponent(id)}/delete`)) ?? '';
  };

  it('lists every method with its name, when it was added and last used, and what can be done with it', async () => {
    const page = (await alice.get('/mfa/manage')).text;
    const appRow = rowOf(page, app.id);
    assert.match(appRow, /<span class="mfa-factor-name">Authenticator app<\/span> <span class="mfa-badge">Default<\/span> <span class="mfa-factor-method">Mobile app: one-time password<\/span>/);
    // Without JavaScript the server's UTC text stays; local-time.js puts the reader's own form in.
    assert.match(appRow, /<td><time datetime="2026-01-01T12:00:00\.000Z" data-local-time="day" data-now="[^"]+">1 Jan 2026<\/time><\/td>/);
    assert.match(appRow, />Rename</);
    assert.doesNotMatch(appRow, />Make default</, 'already the default');
    const phoneRow = rowOf(page, phone.id);
    assert.match(phoneRow, /<span class="mfa-factor-name">\+1 ••• ••• 0123<\/span> <span class="mfa-factor-method">Backup phone<\/span>/);
    assert.match(phoneRow, />Make default</);
    assert.doesNotMatch(phoneRow, />Rename</, 'a phone is named by its number');
    assert.match(page, />Add method</);
    assert.match(page, />App passwords</);
    assert.match(page, />Sign out everywhere</);
  });

  it('renames an app; the new name shows on Security info', async () => {
    const form = await alice.get(`/mfa/manage/factors/${app.id}/rename`);
    assert.match(form.text, /<label for="mfa-rename-name">Name<\/label>/);
    assert.match(form.text, /value="Authenticator app"/);
    const res = await postForm(alice, `/mfa/manage/factors/${app.id}/rename`, { name: '  Work iPhone  ' }, `/mfa/manage/factors/${app.id}/rename`);
    assert.equal(res.headers.location, '/mfa/manage');
    assert.equal((await factor(app.id))?.label, 'Work iPhone');
    const page = (await alice.get('/mfa/manage')).text;
    assert.match(page, /Renamed to “Work iPhone”\./);
    assert.match(rowOf(page, app.id), /<span class="mfa-factor-name">Work iPhone<\/span>/);
    assert.doesNotMatch((await alice.get('/mfa/manage')).text, /Renamed to/, 'the confirmation is shown once');
    assert.ok(h.events.some((e) => e.type === 'factor.renamed'));
  });

  // Attack: names that break the page or mislead (control and bidi characters, huge or empty input).
  it('refuses a bad name with 400 and the reason, and changes nothing', async () => {
    for (const name of ['', '   ', 'x'.repeat(65), 'evil\u202Etxt.exe', 'tab\there', ['a', 'b']]) {
      const res = await postForm(alice, `/mfa/manage/factors/${app.id}/rename`, { name }, `/mfa/manage/factors/${app.id}/rename`);
      assert.equal(res.status, 400, JSON.stringify(name));
      assert.match(res.text, /class="mfa-error" role="alert"/);
      assert.match(res.text, /aria-invalid="true"/);
    }
    assert.equal((await factor(app.id))?.label, 'Authenticator app');
    assert.equal((await postForm(alice, `/mfa/manage/factors/${phone.id}/rename`, { name: 'x' }, '/mfa/manage')).status, 404, 'a phone cannot be renamed');
  });

  it('"Make default" makes the verify page offer that method first', async () => {
    const before = await h.halfSignedIn();
    const first = (await before.get('/mfa/verify')).text;
    assert.ok(first.indexOf('name="code"') < first.indexOf('/verify/phone/send'), 'the app comes first by default');

    const res = await postForm(alice, `/mfa/manage/factors/${phone.id}/default`, {}, '/mfa/manage');
    assert.equal(res.headers.location, '/mfa/manage');
    const page = (await alice.get('/mfa/manage')).text;
    assert.match(page, /\+1 ••• ••• 0123 is now your default sign-in method\./);
    assert.match(rowOf(page, phone.id), /<span class="mfa-badge">Default<\/span>/);
    assert.match(rowOf(page, app.id), />Make default</);
    assert.ok(h.events.some((e) => e.type === 'factor.made_default'));

    const after = await h.halfSignedIn();
    const verify = (await after.get('/mfa/verify')).text;
    assert.match(verify, /<div class="mfa-main">[\s\S]*?>Text me<\/button>[\s\S]*?<\/div>/, 'the phone is the main action now');
    assert.doesNotMatch(verify, /name="code"/, 'the code field waits behind "Use a verification code"');
    assert.match(verify, /href="\/mfa\/verify\?use=totp">Use a verification code</);
  });

  // Attack: changing, renaming or deleting another user's method by sending its id.
  it('answers 404 for another user’s method id, and changes nothing', async () => {
    const bob = h.agent();
    await postForm(bob, '/signup', { username: 'bob', password: 'bob has a long password' });
    const secret = await beginTotpSetup(bob);
    assert.equal((await submitCode(bob, '/mfa/setup/totp', h.codeFor(secret))).status, 303);
    const bobs = (await h.store.core.listFactors(h.users.findByUsername('bob')!.id))[0]!;
    for (const [path, fields] of [['rename', { name: 'Mine now' }], ['default', {}], ['delete', {}]] as const) {
      const res = await postForm(alice, `/mfa/manage/factors/${bobs.id}/${path}`, fields, '/mfa/manage');
      assert.equal(res.status, 404, path);
    }
    assert.equal((await alice.get(`/mfa/manage/factors/${bobs.id}/rename`)).status, 404);
    assert.deepEqual(await factor(bobs.id), bobs);
    for (const id of ['nope', 'x'.repeat(5000), '%00']) {
      assert.equal((await postForm(alice, `/mfa/manage/factors/${encodeURIComponent(id)}/delete`, {}, '/mfa/manage')).status, 404, id.slice(0, 10));
    }
  });

  // Attack: a session left open at an unlocked computer renames or deletes methods, or signs the owner out.
  it('every change needs a recent second step and a CSRF token', async () => {
    const token = await csrfOf(alice, '/mfa/manage');
    assert.equal((await alice.post('/mfa/manage/sign-out-everywhere').type('form').send({}).redirects(0)).status, 403);
    h.clock.advance(16 * 60_000);
    for (const path of [`/mfa/manage/factors/${app.id}/rename`, `/mfa/manage/factors/${phone.id}/default`, '/mfa/manage/sign-out-everywhere']) {
      const res = await alice.post(path).type('form').send({ _csrf: token, name: 'Later' }).redirects(0);
      assert.equal(res.headers.location, '/mfa/verify', path);
    }
    assert.equal((await factor(app.id))?.label, 'Authenticator app');
    assert.equal((await factor(phone.id))?.preferredAt, undefined);
  });
});
