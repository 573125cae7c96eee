import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Response } from 'supertest';
import { startHarness } from '../../support/harness.js';
import type { Agent, Harness } from '../../support/harness.js';

// Attack: malformed input (wrong types, huge or odd values) meant to crash a handler (500,
// stack traces), slip past validation (an array or object compared as a code), or guess codes
// without being counted.

/** A request body: form fields (a string is sent raw, e.g. repeated fields) or JSON. */
type Body = { form: Record<string, string> | string } | { json: unknown };

const TEN_KB = '1'.repeat(10 * 1024);
const TWO_HUNDRED_KB = '1'.repeat(200 * 1024);

/** Bad values for a one-time code; `code=1&code=2` and JSON types are the interesting ones. */
const BAD_CODES: [string, (token: string) => Body][] = [
  ['missing', (t) => ({ form: { _csrf: t } })],
  ['empty', (t) => ({ form: { _csrf: t, code: '' } })],
  ['only spaces', (t) => ({ form: { _csrf: t, code: '   ' } })],
  ['an array (code=1&code=2)', (t) => ({ form: `_csrf=${t}&code=123456&code=654321` })],
  ['bracket syntax (code[a]=1)', (t) => ({ form: `_csrf=${t}&code[a]=1` })],
  ['a 10 KB string', (t) => ({ form: { _csrf: t, code: TEN_KB } })],
  ['Arabic-Indic digits', (t) => ({ form: { _csrf: t, code: '١٢٣٤٥٦' } })],
  ['fullwidth digits', (t) => ({ form: { _csrf: t, code: '１２３４５６' } })],
  ['5 digits', (t) => ({ form: { _csrf: t, code: '12345' } })],
  ['7 digits', (t) => ({ form: { _csrf: t, code: '1234567' } })],
  ['letters', (t) => ({ form: { _csrf: t, code: 'abcdef' } })],
  ['a NUL byte', (t) => ({ form: { _csrf: t, code: '12345\u0000' } })],
  ['JSON object', (t) => ({ json: { _csrf: t, code: { a: 1 } } })],
  ['JSON array', (t) => ({ json: { _csrf: t, code: ['123456'] } })],
  ['JSON number', (t) => ({ json: { _csrf: t, code: 12345 } })],
  ['JSON null', (t) => ({ json: { _csrf: t, code: null } })],
  ['JSON boolean', (t) => ({ json: { _csrf: t, code: true } })],
  ['JSON 10 KB string', (t) => ({ json: { _csrf: t, code: TEN_KB } })],
];

const TOO_LARGE: [string, (token: string) => Body][] = [
  ['a 200 KB form', (t) => ({ form: { _csrf: t, code: TWO_HUNDRED_KB } })],
  ['a 200 KB JSON body', (t) => ({ json: { _csrf: t, code: TWO_HUNDRED_KB } })],
];

function post(a: Agent, path: string, body: Body) {
  const req = a.post(path).redirects(0);
  return 'json' in body ? req.set('Content-Type', 'application/json').send(JSON.stringify(body.json)) : req.type('form').send(body.form);
}

/** A clear client error: 4xx with a page or a JSON error, never a crash or a stack trace. */
function assertClientError(res: Response, what: string, status?: number) {
  assert.ok(res.status >= 400 && res.status < 500, `${what}: ${res.status} ${res.text.slice(0, 200)}`);
  if (status !== undefined) assert.equal(res.status, status, what);
  const json = /application\/json/.test(res.headers['content-type'] ?? '');
  if (json) assert.equal(typeof res.body.error, 'string', what);
  else assert.match(res.text, /class="mfa-error"/, `${what}: an error page`);
  assert.doesNotMatch(res.text, /at \w+ \(|node_modules|TypeError/, `${what}: leaks internals`);
}

describe('bad input to the code fields', () => {
  let h: Harness;
  let userId: string;
  before(async () => {
    h = await startHarness();
    userId = await h.userId();
  });
  after(async () => h.stop());
  beforeEach(async () => h.mfa.admin.unlock(userId));

  const failures = async () => (await h.store.core.getLockout(userId)).failures;

  describe('POST /mfa/setup/totp', () => {
    let a: Agent;
    let token: string;
    before(async () => {
      a = h.agent();
      await h.login(a);
      await h.beginSetup(a);
      token = await h.csrf(a, '/mfa/setup/totp');
    });

    for (const [name, body] of BAD_CODES) {
      it(`${name}: a 4xx, a counted guess, and the enrollment still unconfirmed`, async () => {
        const before = await failures();
        assertClientError(await post(a, '/mfa/setup/totp', body(token)), name);
        assert.equal(await failures(), before + 1);
        assert.deepEqual((await h.store.core.listFactors(userId)).map((f) => f.confirmedAt), [null]);
        assert.equal((await a.get('/').redirects(0)).headers.location, '/mfa/setup');
      });
    }
    for (const [name, body] of TOO_LARGE) {
      it(`${name}: 413`, async () => {
        assertClientError(await post(a, '/mfa/setup/totp', body(token)), name, 413);
        assert.deepEqual((await h.store.core.listFactors(userId)).map((f) => f.confirmedAt), [null]);
      });
    }
  });

  describe('POST /mfa/verify', () => {
    let a: Agent;
    let token: string;
    let lastStep: number | null;
    before(async () => {
      const { secret } = await h.enrolledUser();
      await h.fullySignedIn(secret);
      lastStep = (await h.store.core.listFactors(userId))[0]!.lastStep;
      a = await h.halfSignedIn();
      token = await h.csrf(a, '/mfa/verify');
    });

    for (const [name, body] of BAD_CODES) {
      it(`${name}: a 4xx, a counted guess, and still not signed in`, async () => {
        const before = await failures();
        assertClientError(await post(a, '/mfa/verify', body(token)), name);
        assert.equal(await failures(), before + 1, 'counted as a failed guess');
        assert.equal((await h.store.core.listFactors(userId))[0]!.lastStep, lastStep);
        assert.equal((await a.get('/').redirects(0)).headers.location, '/mfa/verify');
      });
    }
    for (const [name, body] of TOO_LARGE) {
      it(`${name}: 413`, async () => {
        assertClientError(await post(a, '/mfa/verify', body(token)), name, 413);
        assert.equal((await a.get('/').redirects(0)).headers.location, '/mfa/verify');
      });
    }
  });
});

describe('bad input to the method choice (POST /mfa/setup)', () => {
  let h: Harness;
  let a: Agent;
  let token: string;
  before(async () => {
    h = await startHarness();
    a = h.agent();
    await h.login(a);
    token = await h.csrf(a, '/mfa/setup');
  });
  after(async () => h.stop());

  const cases: [string, (t: string) => Body][] = [
    ['both missing', (t) => ({ form: { _csrf: t } })],
    ['contact missing', (t) => ({ form: { _csrf: t, mode: 'otp' } })],
    ['mode missing', (t) => ({ form: { _csrf: t, contact: 'mobile_app' } })],
    ['empty values', (t) => ({ form: { _csrf: t, contact: '', mode: '' } })],
    ['unknown values', (t) => ({ form: { _csrf: t, contact: 'carrier_pigeon', mode: 'otp' } })],
    ['arrays', (t) => ({ form: `_csrf=${t}&contact=mobile_app&contact=mobile_app&mode=otp` })],
    ['10 KB strings', (t) => ({ form: { _csrf: t, contact: TEN_KB, mode: TEN_KB.slice(0, 4000) } })],
    ['non-ASCII lookalikes', (t) => ({ form: { _csrf: t, contact: 'mobile_аpp', mode: 'ｏｔｐ' } })],
    ['JSON objects', (t) => ({ json: { _csrf: t, contact: { a: 1 }, mode: 'otp' } })],
    ['JSON wrong types', (t) => ({ json: { _csrf: t, contact: 1, mode: true } })],
    ['JSON arrays', (t) => ({ json: { _csrf: t, contact: ['mobile_app'], mode: ['otp'] } })],
    ['JSON null', (t) => ({ json: { _csrf: t, contact: null, mode: null } })],
  ];
  for (const [name, body] of cases) {
    it(`${name}: a 4xx, no factor created, not counted as a guess`, async () => {
      assertClientError(await post(a, '/mfa/setup', body(token)), name);
      assert.deepEqual(await h.store.core.listFactors(await h.userId()), []);
      assert.equal((await h.store.core.getLockout(await h.userId())).failures, 0);
      assert.equal((await a.get('/mfa/setup/totp').redirects(0)).headers.location, '/mfa/setup');
    });
  }
  it('a 200 KB body: 413', async () => {
    assertClientError(await post(a, '/mfa/setup', { form: { _csrf: token, contact: TWO_HUNDRED_KB, mode: 'otp' } }), '200 KB', 413);
    assert.deepEqual(await h.store.core.listFactors(await h.userId()), []);
  });
  it('the valid choice still works (the refusals above were about the input)', async () => {
    const res = await post(a, '/mfa/setup', { form: { _csrf: token, contact: 'mobile_app', mode: 'otp' } });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/mfa/setup/totp');
  });
});

describe("bad input to the example app's own forms", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  const cases: [string, string, (t: string) => Body][] = [
    ['/login', 'missing fields', (t) => ({ form: { _csrf: t } })],
    ['/login', 'arrays', (t) => ({ form: `_csrf=${t}&username=alice&username=bob&password=a&password=b` })],
    ['/login', 'a 10 KB password', (t) => ({ form: { _csrf: t, username: 'alice', password: TEN_KB } })],
    ['/login', 'a 200 KB body', (t) => ({ form: { _csrf: t, username: 'alice', password: TWO_HUNDRED_KB } })],
    ['/signup', 'missing fields', (t) => ({ form: { _csrf: t } })],
    ['/signup', 'arrays', (t) => ({ form: `_csrf=${t}&username=bob&username=eve&password=a-long-password&password=another-long-one` })],
    ['/signup', 'a 10 KB username', (t) => ({ form: { _csrf: t, username: TEN_KB, password: 'a long enough password' } })],
  ];
  for (const [path, name, body] of cases) {
    it(`${path}, ${name}: a 4xx and nobody signed in`, async () => {
      const a = h.agent();
      const res = await post(a, path, body(await h.csrf(a, path)));
      assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${res.text.slice(0, 200)}`);
      assert.equal((await a.get('/').redirects(0)).headers.location, '/login');
    });
  }
});
