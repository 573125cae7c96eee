import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { beginTotpSetup, csrfOf, postForm, recoveryCodesIn, submitCode } from '../support/mfa-flow.js';
import { halfSignedInAs, newUser } from '../support/security-key.js';

const CODE_FORMAT = /^[2-9a-km-np-z]{4}(-[2-9a-km-np-z]{4}){3}$/;

/** A new user through the one-time-password setup, stopped on the wizard's recovery-codes step; returns the codes it showed. */
async function enrolledWithCodes(h: Harness) {
  const user = await newUser(h);
  const secret = await beginTotpSetup(user.agent);
  const done = await submitCode(user.agent, '/mfa/setup/totp', h.codeFor(secret));
  assert.equal(done.headers.location, '/mfa/setup/recovery-codes', 'the wizard shows the recovery codes right after the first method');
  const page = await user.agent.get('/mfa/setup/recovery-codes');
  return { ...user, secret, page, codes: recoveryCodesIn(page.text) };
}

describe('recovery codes over HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  const enrolled = () => enrolledWithCodes(h);

  /** Signs `user` in again with a recovery code; returns the POST's answer. */
  async function useCode(user: { username: string; password: string }, code: unknown) {
    const a = await halfSignedInAs(h, user);
    return { a, res: await postForm(a, '/mfa/verify/recovery', { code }) };
  }

  it('shows 10 codes once after the first method, with Download (a text file), Print and Done', async () => {
    const { page, codes, agent, userId } = await enrolled();
    assert.equal(page.status, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.text, /<h1 id="mfa-title">Recovery codes<\/h1>/);
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, CODE_FORMAT, '16 symbols of 5 bits: 80 random bits');
    const download = /<a class="mfa-button mfa-button-quiet" href="data:text\/plain;charset=utf-8,([^"]+)" download="Contoso-recovery-codes\.txt">Download<\/a>/.exec(page.text);
    assert.ok(download, 'Download saves a text file');
    const text = decodeURIComponent(download[1]!);
    for (const code of codes) assert.ok(text.includes(`${code}\n`));
    assert.match(text, /^Contoso recovery codes for user\d+\n/);
    assert.match(page.text, /<button type="button" class="mfa-button mfa-button-quiet" data-print>Print<\/button>/);
    assert.match(page.text, /<a class="mfa-button" href="\/mfa\/setup\/[a-z-]+">Done<\/a>/);
    assert.match(page.text, /<script src="\/mfa\/assets\/print\.js" defer><\/script>/);
    assert.ok(h.events.some((e) => e.type === 'recovery_codes.generated' && (e as { userId?: string }).userId === userId));

    const again = await agent.get('/mfa/setup/recovery-codes').redirects(0);
    assert.equal(again.status, 303, 'a reload shows no new codes');
    assert.deepEqual(recoveryCodesIn(again.text), []);
    assert.equal(await h.store.recoveryCodes!.countRemaining(userId), 10, 'and keeps the ones shown');
  });

  it('stores only keyed hashes of the codes', async () => {
    const { codes, userId } = await enrolled();
    // SQLite runs in WAL mode: fresh writes are in the -wal file until a checkpoint.
    const files = readdirSync(h.dataDir).filter((f) => f.startsWith('mfa.db')).map((f) => readFileSync(join(h.dataDir, f)));
    assert.ok(files.some((file) => file.includes(userId)), 'the files searched do hold this user\'s rows');
    for (const code of codes) {
      for (const file of files) {
        assert.equal(file.includes(code), false);
        assert.equal(file.includes(code.replace(/-/g, '')), false);
      }
    }
  });

  it('signs in with "Use a recovery code", tells how many are left, and fires an event', async () => {
    const user = await enrolled();
    const a = await halfSignedInAs(h, user);
    const verify = await a.get('/mfa/verify');
    assert.match(verify.text, /<a class="mfa-link" href="\/mfa\/verify\/recovery">Use a recovery code<\/a>/);
    const form = await a.get('/mfa/verify/recovery');
    assert.match(form.text, /<label for="mfa-recovery-code">Recovery code<\/label>/);
    assert.match(form.text, />Verify<\/button>/);
    // Typed in capitals, with spaces instead of dashes: still the code.
    const typed = user.codes[3]!.toUpperCase().replace(/-/g, ' ');
    const res = await postForm(a, '/mfa/verify/recovery', { code: typed });
    assert.equal(res.status, 303, res.text.slice(0, 300));
    assert.equal(res.headers.location, '/mfa/verify/recovery/used');
    const used = await a.get('/mfa/verify/recovery/used');
    assert.match(used.text, /You have <strong>9<\/strong> recovery codes left\./);
    assert.match(used.text, /<a class="mfa-button" href="\/">Continue<\/a>/);
    assert.equal((await a.get('/').redirects(0)).status, 200, 'the second step is done');
    const event = h.events.filter((e) => e.type === 'recovery_code.used').at(-1) as unknown as { userId: string; remaining: number };
    assert.equal(event.userId, user.userId);
    assert.equal(event.remaining, 9);

    const reuse = await useCode(user, user.codes[3]);
    assert.equal(reuse.res.status, 401, 'a code works once');
    assert.match(reuse.res.text, /not valid, or was already used/);
  });

  it('warns when few are left, and offers no recovery code once all are used', async () => {
    const user = await enrolled();
    for (const code of user.codes.slice(0, 8)) assert.equal((await useCode(user, code)).res.status, 303);
    const { a } = await useCode(user, user.codes[8]);
    const used = await a.get('/mfa/verify/recovery/used');
    assert.match(used.text, /You have <strong>1<\/strong> recovery code left\./);
    assert.match(used.text, /running out of recovery codes/);
    assert.equal((await useCode(user, user.codes[9])).res.status, 303);
    const none = await halfSignedInAs(h, user);
    assert.doesNotMatch((await none.get('/mfa/verify')).text, /Use a recovery code/);
  });

  it('tells a user without codes (enrolled before codes existed, or all used) to generate a set, without claiming any were used', async () => {
    const user = await enrolled();
    await h.store.recoveryCodes!.replace(user.userId, []);
    const manage = (await user.agent.get('/mfa/manage')).text;
    assert.match(manage, /You have no unused recovery codes\. Generate a set/);
    assert.doesNotMatch(manage, /codes left/);
    assert.match(manage, />Generate new codes<\/button>/);
  });

  it('shows how many are left on Security info; "Generate new codes" needs a fresh second factor and ends the old set', async () => {
    const user = await enrolled();
    assert.equal((await useCode(user, user.codes[0])).res.status, 303);
    const a = user.agent;
    const manage = await a.get('/mfa/manage');
    assert.match(manage.text, /<h2 id="mfa-recovery-title">Recovery codes<\/h2>/);
    assert.match(manage.text, /<strong>9<\/strong> of 10 left\./);
    assert.match(manage.text, />Generate new codes<\/button>/);

    const token = await csrfOf(a, '/mfa/manage');
    h.clock.advance(16 * 60_000);
    const stale = await a.post('/mfa/manage/recovery-codes').type('form').send({ _csrf: token }).redirects(0);
    assert.equal(stale.status, 303);
    assert.match(stale.headers.location as string, /^\/mfa\/verify/, 'verify again first');
    assert.equal(await h.store.recoveryCodes!.countRemaining(user.userId), 9, 'nothing changed yet');

    h.freshStep();
    const again = await submitCode(a, '/mfa/verify', h.codeFor(user.secret));
    assert.equal(again.status, 303);
    const fresh = await postForm(a, '/mfa/manage/recovery-codes', {}, '/mfa/manage');
    assert.equal(fresh.status, 200);
    const next = recoveryCodesIn(fresh.text);
    assert.equal(next.length, 10);
    assert.match(fresh.text, /<a class="mfa-button" href="\/mfa\/manage">Done<\/a>/);
    assert.equal((await useCode(user, user.codes[1])).res.status, 401, 'the old set no longer works');
    assert.equal((await useCode(user, next[0])).res.status, 303, 'the new one does');
  });
});

describe('recovery codes under attack', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  const withCodes = () => enrolledWithCodes(h);

  // Attack: one recovery code (seen over a shoulder, or leaked) used from 30 sessions at once.
  it('accepts one code exactly once when 30 sessions use it in parallel', async () => {
    const user = await withCodes();
    const agents = await Promise.all(Array.from({ length: 30 }, () => halfSignedInAs(h, user)));
    const tokens = await Promise.all(agents.map((a) => csrfOf(a, '/mfa/verify/recovery')));
    const results = await Promise.all(agents.map((a, i) => a.post('/mfa/verify/recovery').type('form').send({ _csrf: tokens[i], code: user.codes[0] }).redirects(0)));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 303).length, 1, `exactly one success (${statuses.join(',')})`);
    assert.ok(statuses.every((s) => s === 303 || s === 401 || s === 429), statuses.join(','));
    assert.equal(await h.store.recoveryCodes!.countRemaining(user.userId), 9);
  });

  // Attack: guessing recovery codes; each wrong one counts toward the lockout shared with every method.
  it('counts wrong and malformed codes toward the shared lockout, which then refuses a right one', async () => {
    const user = await withCodes();
    const a = await halfSignedInAs(h, user);
    const wrong = ['aaaa-bbbb-cccc-dddd', 'not a code', '１２３４', ''.padEnd(300, 'x'), 'aaaa-bbbb-cccc-ddde'];
    for (const code of wrong) {
      const res = await postForm(a, '/mfa/verify/recovery', { code });
      assert.ok(res.status === 400 || res.status === 401 || res.status === 429, `${code.slice(0, 20)} → ${res.status}`);
    }
    assert.equal((await h.store.core.getLockout(user.userId)).failures, 5);
    const locked = await postForm(a, '/mfa/verify/recovery', { code: user.codes[0] });
    assert.equal(locked.status, 429);
    assert.ok(locked.headers['retry-after']);
    assert.equal(await h.store.recoveryCodes!.countRemaining(user.userId), 10, 'a locked user uses up nothing');
  });

  it('answers bad input with a 4xx and uses up nothing', async () => {
    const user = await withCodes();
    const a = await halfSignedInAs(h, user);
    const token = await csrfOf(a, '/mfa/verify/recovery');
    for (const body of [{ code: [user.codes[0], user.codes[1]] }, {}, { 'code[x]': user.codes[0] }]) {
      const res = await a.post('/mfa/verify/recovery').type('form').send({ _csrf: token, ...body }).redirects(0);
      assert.ok(res.status >= 400 && res.status < 500, `${JSON.stringify(body)} → ${res.status}`);
    }
    const json = await a.post('/mfa/verify/recovery').set('x-csrf-token', token).send({ code: { toString: user.codes[0] } }).redirects(0);
    assert.ok(json.status >= 400 && json.status < 500);
    assert.equal(await h.store.recoveryCodes!.countRemaining(user.userId), 10);
  });

  // Attack: someone with only the password makes a new set of codes (and so a way in of their own).
  it('does not let a password-only session generate codes or reach the recovery-codes step', async () => {
    const user = await withCodes();
    const attacker = await halfSignedInAs(h, user);
    const token = await csrfOf(attacker, '/mfa/verify');
    const generate = await attacker.post('/mfa/manage/recovery-codes').type('form').send({ _csrf: token }).redirects(0);
    assert.equal(generate.status, 303);
    assert.match(generate.headers.location as string, /^\/mfa\/verify/);
    const step = await attacker.get('/mfa/setup/recovery-codes').redirects(0);
    assert.equal(step.status, 303);
    assert.deepEqual(recoveryCodesIn(step.text), []);
    assert.equal((await postForm(attacker, '/mfa/verify/recovery', { code: user.codes[0] })).status, 303, 'the codes shown at setup are still the ones that work');
  });
});
