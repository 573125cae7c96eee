import assert from 'node:assert/strict';
import type { Request } from 'express';
import { describe, it } from 'node:test';
import { completeSecondFactor } from '../../src/second-step/complete-second-factor.js';
import type { CompletedFactor } from '../../src/second-step/session-state.js';

const USER = { id: 'u1' };
const COMPLETED: CompletedFactor = { userId: 'u1', factorId: 'f1', method: 'totp', at: 1, generation: 0, amr: ['otp'], phishingResistant: false };

/** A request whose session regenerates as express-session's does: a new, empty session object. */
function fakeRequest(held: Record<string, unknown>) {
  const calls: string[] = [];
  const req = {
    session: {
      ...held,
      regenerate(done: (err?: unknown) => void) {
        calls.push('regenerate');
        req.session = { regenerate: req.session.regenerate } as typeof req.session;
        done();
      },
    } as Record<string, unknown> & { regenerate(done: (err?: unknown) => void): void },
    login(user: unknown, _options: unknown, done: (err?: unknown) => void) {
      calls.push('login');
      req.session = { passport: { user: (user as typeof USER).id } } as unknown as typeof req.session;
      done();
    },
  };
  return { req, calls };
}

describe('completeSecondFactor', () => {
  it('regenerates the session, keeping only the Passport record and the completed factor', async () => {
    const { req, calls } = fakeRequest({ passport: { user: 'u1' }, mfa: { csrf: 'old token', pending: { userId: 'u1' } }, other: 'host data' });
    await completeSecondFactor(req as unknown as Request, USER, COMPLETED, '/account');
    assert.deepEqual(calls, ['regenerate']);
    const { regenerate: _regenerate, ...kept } = req.session;
    assert.deepEqual(kept, { passport: { user: 'u1' }, mfa: { completed: COMPLETED, returnTo: '/account' } });
  });

  it('signs the user in with req.login when the session holds no Passport record', async () => {
    const { req, calls } = fakeRequest({ mfa: { csrf: 'old token' } });
    await completeSecondFactor(req as unknown as Request, USER, COMPLETED, '/account');
    assert.deepEqual(calls, ['login']);
    assert.deepEqual(req.session, { passport: { user: 'u1' }, mfa: { completed: COMPLETED, returnTo: '/account' } });
  });
});
