import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { nextSetupStep } from '../../support/setup-wizard.js';
import { startHarness } from '../../support/harness.js';
import type { Harness } from '../../support/harness.js';

// Attack: an open redirect through the remembered returnTo (see test/http/safe-return-to.test.ts
// for the values); here, that the page the user asked for survives both steps, query included.
const TARGET = '/?tab=security&next=%2F%2Fevil.com';

describe('returnTo across the sign-in', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.stop());

  it('lands an enrolled user on the guarded page they asked for, after verification', async () => {
    const { secret } = await h.enrolledUser();
    h.freshStep();
    const a = h.agent();
    assert.equal((await a.get(TARGET).redirects(0)).headers.location, '/login');
    const login = await h.login(a);
    assert.equal(login.headers.location, TARGET);
    assert.equal((await a.get(TARGET).redirects(0)).headers.location, '/mfa/verify');

    const verified = await h.submitCode(a, '/mfa/verify', h.codeFor(secret));
    assert.equal(verified.status, 303);
    assert.equal(verified.headers.location, TARGET);
    assert.match((await a.get(verified.headers.location as string)).text, /Signed in as alice/);
  });

  it('leads "Done" after a first setup to the guarded page asked for', async () => {
    const a = h.agent();
    await a.get(TARGET).redirects(0);
    await h.login(a);
    assert.equal((await a.get(TARGET).redirects(0)).headers.location, '/mfa/setup');
    const secret = await h.beginSetup(a);
    assert.equal((await h.submitCode(a, '/mfa/setup/totp', h.codeFor(secret))).headers.location, `/mfa${nextSetupStep('/setup/totp')}`);
    const done = await a.get('/mfa/setup/done');
    const href = /href="([^"]+)"[^>]*>Done</.exec(done.text)?.[1];
    assert.equal(href?.replace(/&amp;/g, '&'), TARGET);
  });
});
