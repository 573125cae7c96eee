import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { removalWarnings } from '../../src/http/removal-warnings.js';
import type { FactorRecord } from '../../src/stores/facets/core.js';
import { startHarness } from '../support/harness.js';
import type { Agent, Harness } from '../support/harness.js';

const factor = (id: string, lastUsedAt: number | null): FactorRecord => ({
  id, userId: 'u', type: 'totp', label: id, sealedSecret: null, data: {}, createdAt: 0, confirmedAt: 0, lastUsedAt, lastStep: null,
});

describe('asking before a method is deleted or an app password revoked', () => {
  let h: Harness;
  let alice: Agent;
  before(async () => {
    // The only method's page offers "Delete" only where the host allows it (test/http/security/last-method.test.ts).
    h = await startHarness({ mfaOptions: { allowRemovingLastMethod: true } });
    ({ agent: alice } = await h.enrolledUser());
  });
  after(async () => h.stop());

  it('GET of the confirmation page changes nothing and posts to the delete route', async () => {
    const [totp] = await h.store.core.listFactors(await h.userId());
    const path = `/mfa/manage/factors/${encodeURIComponent(totp!.id)}/delete`;
    const page = await alice.get(path).redirects(0);
    assert.equal(page.status, 200);
    assert.match(page.text, /You won&#39;t be able to sign in with Mobile app: one-time password \(Authenticator app\) any more\./);
    assert.match(page.text, /This is your only sign-in method\./);
    assert.ok(page.text.includes(`<form method="post" action="${path}"`));
    assert.equal((await h.store.core.listFactors(await h.userId())).length, 1, 'showing the page deleted nothing');
  });

  // Attack: probing or deleting another user's method by guessing or replaying its id.
  it('answers 404 for an id that is not one of this user\'s methods or app passwords', async () => {
    for (const path of ['/mfa/manage/factors/not-an-id/delete', '/mfa/manage/app-passwords/not-an-id/revoke', `/mfa/manage/factors/${'x'.repeat(5000)}/delete`]) {
      const res = await alice.get(path).redirects(0);
      assert.equal(res.status, 404, path);
    }
  });

  // Attack: a link (img src, prefetch) that removes a method without the user's click.
  it('needs a signed-in, verified session for the confirmation pages', async () => {
    const res = await h.agent().get('/mfa/manage/factors/x/delete').redirects(0);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/login');
  });

  it('calls out the method signed in with most recently, and says nothing extra for the others', () => {
    const used = factor('used', 2_000);
    const older = factor('older', 1_000);
    const never = factor('never', null);
    assert.match(removalWarnings(used, [used, older, never]).join(' '), /most recently/);
    assert.deepEqual(removalWarnings(older, [used, older, never]), []);
    assert.deepEqual(removalWarnings(never, [used, older, never]), []);
    assert.match(removalWarnings(never, [never]).join(' '), /only sign-in method/);
  });
});
