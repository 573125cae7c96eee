import assert from 'node:assert/strict';
import { base32 } from '@otplib/plugin-base32-scure';
import session from 'express-session';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Response } from 'supertest';
import { DEMO_USER } from '../../../example-app/app.js';
import { startHarness } from '../../support/harness.js';
import type { Harness } from '../../support/harness.js';

function sessionCookie(res: Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith('example.sid='))?.split(';')[0];
}

// Attack: session fixation. A session id planted or observed before the second step must be
// worthless after it.
describe('session id after each factor', () => {
  let h: Harness;
  let sessions: session.MemoryStore;
  before(async () => {
    sessions = new session.MemoryStore();
    h = await startHarness({ sessionStore: sessions });
  });
  after(async () => h.stop());

  async function sessionIds(): Promise<string[]> {
    return new Promise((resolve, reject) =>
      sessions.all((err, all) => (err ? reject(err) : resolve(Object.keys(all ?? {})))),
    );
  }

  it('changes when enrollment and when verification completes; the old id no longer signs anyone in', async () => {
    const a = h.agent();
    const login = await h.login(a);
    const afterPassword = sessionCookie(login);
    assert.ok(afterPassword);
    const secret = await h.beginSetup(a);
    const enrolled = await h.submitCode(a, '/mfa/setup/totp', h.codeFor(secret));
    const afterEnroll = sessionCookie(enrolled);
    assert.ok(afterEnroll && afterEnroll !== afterPassword, 'new session id after enrollment');

    h.freshStep();
    const b = h.agent();
    const planted = sessionCookie(await h.login(b));
    assert.ok(planted);
    await b.get('/').redirects(0);
    const token = await h.csrf(b, '/mfa/verify');
    const before = await sessionIds();
    const verified = await b.post('/mfa/verify').type('form').send({ _csrf: token, code: h.codeFor(secret) }).redirects(0);
    assert.equal(verified.status, 303);
    const afterVerify = sessionCookie(verified);
    assert.ok(afterVerify && afterVerify !== planted, 'new session id after verification');
    const now = await sessionIds();
    assert.equal(now.filter((id) => !before.includes(id)).length, 1, 'one new session');
    assert.equal(before.filter((id) => !now.includes(id)).length, 1, 'the half-signed-in session is gone');

    assert.match((await b.get('/')).text, /Signed in as alice/);
    const fixated = await request(h.app).get('/').set('Cookie', planted).redirects(0);
    assert.equal(fixated.status, 303);
    assert.equal(fixated.headers.location, '/login');
  });
});

// Attack: reading secrets out of the session store (a leaked Redis dump, a log of session
// data, a session-store bug). Sessions must hold ids, never the seed or the password.
describe('what sessions hold', () => {
  let h: Harness;
  let sessions: session.MemoryStore;
  before(async () => {
    sessions = new session.MemoryStore();
    h = await startHarness({ sessionStore: sessions });
  });
  after(async () => h.stop());

  async function rawSessions(): Promise<string> {
    const raw = (sessions as unknown as { sessions: Record<string, string> }).sessions;
    assert.ok(raw && typeof raw === 'object', 'express-session MemoryStore keeps raw JSON in .sessions');
    return Object.values(raw).join('\n');
  }

  function forbidden(secret: string, sealed: string | null): string[] {
    const seed = Buffer.from(base32.decode(secret));
    return [
      DEMO_USER.password,
      secret,
      secret.toLowerCase(),
      secret.match(/.{1,4}/g)!.join(' '),
      seed.toString('hex'),
      seed.toString('base64'),
      seed.toString('base64url'),
      JSON.stringify(seed.toJSON().data).slice(1, -1),
      JSON.stringify(seed.toString('latin1')).slice(1, -1),
      ...(sealed ? [sealed] : []),
    ];
  }

  it('never contain the TOTP seed (any encoding, sealed or not) or the password, at any step', async () => {
    const snapshots: [string, string][] = [];
    const snap = async (step: string) => snapshots.push([step, await rawSessions()]);

    const a = h.agent();
    await h.login(a);
    await snap('after password');
    const secret = await h.beginSetup(a);
    await a.get('/mfa/setup/totp/qr.png');
    await snap('setup page shown');
    await h.submitCode(a, '/mfa/setup/totp', h.wrongCode(secret));
    await snap('wrong code during setup');
    await h.submitCode(a, '/mfa/setup/totp', h.codeFor(secret));
    await snap('enrolled');
    const b = await h.fullySignedIn(secret);
    await b.get('/mfa/manage');
    await snap('signed in again, manage page');

    const [factor] = await h.store.core.listFactors(await h.userId());
    assert.ok(factor?.sealedSecret);
    for (const [step, raw] of snapshots) {
      assert.ok(raw.length > 0, `${step}: sessions were inspected`);
      for (const value of forbidden(secret, factor.sealedSecret)) {
        assert.ok(!raw.includes(value), `${step}: session holds ${JSON.stringify(value.slice(0, 12))}…`);
      }
    }
    assert.match(snapshots.at(-1)![1], /"completed":\{"userId":/, 'the sessions inspected are the real ones');
  });
});
