import { nextSetupStep } from '../support/setup-wizard.js';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';

const CLI = fileURLToPath(new URL('../../src/cli/authenticator.js', import.meta.url));

describe('authenticator CLI (compiled) against the example app on 127.0.0.1', () => {
  let h: PushHarness;
  let dir: string;
  let state: string;

  /** Runs the CLI; resolves with its exit code and output (never rejects). */
  function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, AUTHENTICATOR_STATE: state };
    delete env.NODE_TEST_CONTEXT;
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  before(async () => {
    h = await startPushHarness();
    // The CLI signs with the real time; the server's fake clock stands still at the same instant.
    h.clock.nowMs = Date.now();
    dir = mkdtempSync(join(tmpdir(), 'passport-mfa-cli-'));
    state = join(dir, 'authenticator-state.json');
  });
  after(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('activates from the QR text, approves with the number, denies, reports, and prints codes', async () => {
    const a = h.browser();
    await h.login(a);
    const { qrText } = await h.beginPushSetup(a);

    const activated = await cli('activate', qrText);
    assert.equal(activated.code, 0, activated.stderr);
    assert.match(activated.stdout, /Activated Contoso \(alice\)/);
    assert.equal(statSync(state).mode & 0o777, 0o600, 'the key file is private');

    await h.post(a, '/mfa/setup/push/contact', {}, '/mfa/setup/push');
    const number = await h.shownNumber(a, '/mfa/setup/push/wait');
    const missing = await cli('approve');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--number/);
    const approved = await cli('approve', '--number', number, '--wait', '0');
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /Request from 127\.0\.0\.1/);
    assert.match(approved.stdout, /Approved\./);
    assert.equal((await h.post(a, '/mfa/setup/push/wait', { method: 'push' }, '/mfa/setup/push/wait')).headers.location, `/mfa${nextSetupStep('/setup/push')}`);

    const b = await h.signInToVerify();
    await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
    const denied = await cli('deny', '--wait', '0');
    assert.equal(denied.code, 0, denied.stderr);
    assert.match(denied.stdout, /Denied\./);
    assert.match((await h.post(b, '/mfa/verify/push', { method: 'push' }, '/mfa/verify/push')).text, /denied in the app/);

    const nothing = await cli('deny', '--wait', '0');
    assert.equal(nothing.code, 1);
    assert.match(nothing.stderr, /No sign-in request is waiting/);

    const codes = await cli('codes');
    assert.equal(codes.code, 0, codes.stderr);
    const code = /Contoso \(alice\): ([0-9]{6})/.exec(codes.stdout)?.[1];
    assert.ok(code, codes.stdout);
    const c = await h.signInToVerify();
    assert.equal((await h.submitCode(c, '/mfa/verify', code)).headers.location, '/', 'the CLI code signs in');

    const d = await h.signInToVerify();
    await h.post(d, '/mfa/verify/push/send', {}, '/mfa/verify');
    const reported = await cli('report', '--wait', '0');
    assert.equal(reported.code, 0, reported.stderr);
    assert.match(reported.stdout, /Reported as "This wasn't me"/);
  });

  it('activates from Code and URL, and explains bad input', async () => {
    const a = h.browser();
    await h.signup(a, 'bob');
    const { code, url } = await h.beginPushSetup(a);
    const bad = await cli('activate', '--code', '12', '--url', url);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /The code is the digits shown next to "Code"/);
    const ok = await cli('activate', '--code', code, '--url', url);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Activated Contoso \(bob\)/);
    const unknown = await cli('fly');
    assert.equal(unknown.code, 2);
  });
});
