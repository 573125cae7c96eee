import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startHarness } from '../../support/harness.js';
import type { Harness } from '../../support/harness.js';
import { csrfOf, postForm } from '../../support/mfa-flow.js';
import { addPhone } from '../../support/phone.js';

describe('deleting the last sign-in method', () => {
  let h: Harness;
  afterEach(async () => h.stop());

  const confirmed = async () => (await h.store.core.listFactors(await h.userId())).filter((f) => f.confirmedAt !== null);

  // Attack: deleting the only method quietly turns the account back into password-only, and the
  // next password-only sign-in (someone who has the password) enrolls the attacker's own app.
  it('is refused with a clear message, and the method stays', async () => {
    h = await startHarness();
    const { agent } = await h.enrolledUser();
    const [only] = await confirmed();
    const res = await postForm(agent, `/mfa/manage/factors/${only!.id}/delete`, {}, '/mfa/manage');
    assert.equal(res.status, 409);
    assert.match(res.text, /This is your only sign-in method, so it can&#39;t be deleted\. Add another method first, then delete this one\./);
    assert.match(res.text, /<h1 id="mfa-title">Security info<\/h1>/, 'shown on Security info itself');
    assert.deepEqual(await confirmed(), [only]);
    assert.ok(!h.events.some((e) => e.type === 'factor.removed'));

    const json = await agent.post(`/mfa/manage/factors/${only!.id}/delete`).set('Accept', 'application/json')
      .set('x-csrf-token', await csrfOf(agent, '/mfa/manage')).redirects(0);
    assert.equal(json.status, 409);
  });

  it('the page that asks first says it cannot be deleted, and offers no Delete button', async () => {
    h = await startHarness();
    const { agent } = await h.enrolledUser();
    const [only] = await confirmed();
    const page = await agent.get(`/mfa/manage/factors/${only!.id}/delete`);
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1 id="mfa-title">You can&#39;t delete Mobile app: one-time password \(Authenticator app\)<\/h1>/);
    assert.match(page.text, /This is your only sign-in method, so it can&#39;t be deleted\./);
    assert.doesNotMatch(page.text, /<form method="post"/);
    assert.match(page.text, />Back to Security info</);
  });

  it('allows deleting one of two methods, then refuses the other', async () => {
    h = await startHarness();
    const { agent } = await h.enrolledUser();
    await addPhone(agent, h.latestCode);
    const [app, phone] = await confirmed();
    assert.equal((await postForm(agent, `/mfa/manage/factors/${app!.id}/delete`, {}, '/mfa/manage')).status, 303);
    assert.equal((await postForm(agent, `/mfa/manage/factors/${phone!.id}/delete`, {}, '/mfa/manage')).status, 409);
    assert.deepEqual((await confirmed()).map((f) => f.id), [phone!.id]);
  });

  // Attack: two deletions sent at once (two tabs, a script), each seeing the other method still there.
  it('keeps one method when the last two are deleted at the same time', async () => {
    h = await startHarness();
    const { agent } = await h.enrolledUser();
    await addPhone(agent, h.latestCode);
    const token = await csrfOf(agent, '/mfa/manage');
    const results = await Promise.all((await confirmed()).map((f) =>
      agent.post(`/mfa/manage/factors/${f.id}/delete`).type('form').send({ _csrf: token }).redirects(0)));
    assert.deepEqual(results.map((r) => r.status).sort(), [303, 409]);
    assert.equal((await confirmed()).length, 1);
  });

  it('is allowed with allowRemovingLastMethod: true', async () => {
    h = await startHarness({ mfaOptions: { allowRemovingLastMethod: true } });
    const { agent } = await h.enrolledUser();
    const [only] = await confirmed();
    assert.equal((await postForm(agent, `/mfa/manage/factors/${only!.id}/delete`, {}, '/mfa/manage')).headers.location, '/mfa/manage');
    assert.deepEqual(await confirmed(), []);
    assert.match((await agent.get('/mfa/manage')).text, /You have no methods yet/, 'this session stays signed in');
  });
});
