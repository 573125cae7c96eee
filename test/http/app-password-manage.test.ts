import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basic, startHarness } from '../support/harness.js';
import type { Agent, Harness } from '../support/harness.js';
import { postForm } from '../support/mfa-flow.js';

const T_CREATED = /<td>Work laptop<\/td>\s*<td>(\d{4}-\d\d-\d\d)<\/td>\s*<td>([^<]+)<\/td>\s*<td>([^<]+)<\/td>/;

describe('app passwords on Security info (/mfa/manage)', () => {
  let h: Harness;
  let alice: Agent;
  before(async () => {
    h = await startHarness();
    ({ agent: alice } = await h.enrolledUser());
  });
  after(async () => h.stop());

  it('creates from a link, lists name, created and last used, and revokes', async () => {
    const manage = await alice.get('/mfa/manage');
    assert.match(manage.text, /You have no app passwords/);
    assert.match(manage.text, /href="\/mfa\/manage\/app-passwords\/new"[^>]*>Create app password</);

    const { res, password } = await h.createAppPassword(alice, 'Work laptop', '/mfa/manage/app-passwords/new');
    assert.equal(res.status, 201);
    assert.match(res.text, /href="\/mfa\/manage"[^>]*>Done</);
    let row = T_CREATED.exec((await alice.get('/mfa/manage')).text);
    assert.ok(row, 'listed');
    assert.equal(row[1], new Date(h.clock.now()).toISOString().slice(0, 10));
    assert.equal(row[2], 'never');
    assert.equal(row[3], 'never', 'no expiry by default');

    h.clock.advance(5 * 60_000);
    assert.equal((await h.agent().get('/api/mail').set('Authorization', basic('alice', password!))).status, 200);
    row = T_CREATED.exec((await alice.get('/mfa/manage')).text);
    assert.equal(row?.[2], `${new Date(h.clock.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC`);

    const id = /href="\/mfa\/manage\/app-passwords\/([^/"]+)\/revoke"/.exec((await alice.get('/mfa/manage')).text)![1]!;
    const token = await h.csrf(alice, '/mfa/manage');
    const revoked = await alice.post(`/mfa/manage/app-passwords/${id}/revoke`).type('form').send({ _csrf: token }).redirects(0);
    assert.equal(revoked.status, 303);
    assert.equal(revoked.headers.location, '/mfa/manage');
    const after = (await alice.get('/mfa/manage')).text;
    assert.doesNotMatch(after, /<td>Work laptop<\/td>/);
    assert.match(after, /role="status"><span class="mfa-check" aria-hidden="true"><\/span><p>App password “Work laptop” was revoked\.<\/p>/);
    assert.doesNotMatch((await alice.get('/mfa/manage')).text, /Work laptop/, 'the message shows once');
    assert.equal(h.events.some((e) => e.type === 'app_password.revoked'), true);

    // Attack: a revoked (e.g. leaked) app password keeps working.
    assert.equal((await h.agent().get('/api/mail').set('Authorization', basic('alice', password!))).status, 401);
  });

  // Attack: revoking (denial of service) another user's app password by guessing or learning its id.
  it('revokes only the user’s own app passwords, and only with a CSRF token', async () => {
    const bob = h.agent();
    await postForm(bob, '/signup', { username: 'bob', password: 'bob has a long password' });
    const { password } = await h.createAppPassword(alice, 'Phone mail');
    const id = /href="\/mfa\/manage\/app-passwords\/([^/"]+)\/revoke"/.exec((await alice.get('/mfa/manage')).text)![1]!;

    const noCsrf = await alice.post(`/mfa/manage/app-passwords/${id}/revoke`).type('form').send({}).redirects(0);
    assert.equal(noCsrf.status, 403);
    const other = await alice.post('/mfa/manage/app-passwords/not-an-id/revoke').type('form').send({ _csrf: await h.csrf(alice, '/mfa/manage') }).redirects(0);
    assert.equal(other.status, 404);
    assert.equal((await h.agent().get('/api/mail').set('Authorization', basic('alice', password!))).status, 200);
  });

  it('refuses the 41st app password with a clear message (at most 40, as Microsoft Entra)', async () => {
    const existing = (await h.store.appPasswords.list(aliceId(h))).length;
    for (let i = existing; i < 40; i++) {
      const { res } = await h.createAppPassword(alice, `App ${i}`, '/mfa/manage/app-passwords/new');
      assert.equal(res.status, 201);
    }
    const { res, password } = await h.createAppPassword(alice, 'One too many', '/mfa/manage/app-passwords/new');
    assert.equal(res.status, 409);
    assert.equal(password, null);
    assert.match(res.text, /You already have 40 app passwords, the most allowed\. Revoke one you no longer use/);
    assert.equal((await h.store.appPasswords.list(aliceId(h))).length, 40);
  });
});

function aliceId(h: Harness): string {
  return h.users.findByUsername('alice')!.id;
}
