import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import request from 'supertest';
import { ConfigurationError } from '../../src/errors.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { guardStore, refuseAbsentFacets } from '../../src/stores/guarded-store.js';
import { StoreUnavailableError } from '../../src/errors.js';
import { FakeClock } from '../support/fake-clock.js';
import { createMinimalHost } from '../support/minimal-host.js';
import { beginTotpSetup, submitCode, totpCode } from '../support/mfa-flow.js';

describe('a store with only the facets every instance needs (core, sessionGenerations)', () => {
  const clock = new FakeClock();
  const { core, sessionGenerations } = new MemoryStore({ warn: () => {} });
  const { app } = createMinimalHost({ express, store: { core, sessionGenerations }, guarded: true, clock: clock.now, push: { enabled: false } });

  it('is refused at startup without sessionGenerations, naming the facet', () => {
    assert.throws(() => createMinimalHost({ express, store: { core }, guarded: true, clock: clock.now, push: { enabled: false } }), (e: unknown) =>
      e instanceof ConfigurationError && /lacks the `sessionGenerations` facet/.test(e.message));
  });

  it('serves TOTP setup and sign-in when push is off (the verify page reads no push facet)', async () => {
    const a = request.agent(app);
    await a.post('/test-login');
    const secret = await beginTotpSetup(a);
    assert.equal((await submitCode(a, '/mfa/setup/totp', totpCode(secret, clock.now()))).status, 303);

    clock.advance(30_000);
    const b = request.agent(app);
    await b.post('/test-login');
    assert.equal((await b.get('/account').redirects(0)).headers.location, '/mfa/verify');
    assert.equal((await b.get('/mfa/verify')).status, 200);
    const ok = await submitCode(b, '/mfa/verify', totpCode(secret, clock.now()));
    assert.equal(ok.headers.location, '/account');
    assert.equal((await b.get('/account')).status, 200);
  });
});

describe('guardStore and refuseAbsentFacets', () => {
  const failures: unknown[] = [];
  const memory = new MemoryStore({ warn: () => {} });
  const guarded = guardStore({ core: memory.core, push: memory.push, close: () => memory.close() }, (e) => failures.push(e));

  it('keeps absent facets absent, and turns a backend failure into StoreUnavailableError', async () => {
    assert.equal(guarded.rateLimits, undefined);
    assert.deepEqual(await guarded.core.listFactors('alice'), []);
    await memory.close();
    await assert.rejects(guarded.push!.getDevice('d1'), StoreUnavailableError);
    assert.equal(failures.length, 1);
  });

  it('fills absent facets with ones that refuse every call, naming the facet', async () => {
    const complete = refuseAbsentFacets(guarded);
    await assert.rejects(complete.credentials.findByCredentialId('x'), (e: unknown) =>
      e instanceof ConfigurationError && /no `credentials` facet \(WebAuthn credentials\), needed by credentials\.findByCredentialId/.test(e.message));
    assert.equal(complete.push, guarded.push);
  });
});
