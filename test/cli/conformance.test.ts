import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { aroundStoreMethods } from '../support/facet-proxy.js';
import type { HarnessSetup } from '../support/harness.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';
import { nextSetupStep } from '../support/setup-wizard.js';

const CLI = fileURLToPath(new URL('../../src/cli/authenticator.js', import.meta.url));

/**
 * Runs `authenticator conformance` against the example app with the test acting as the operator:
 * it sends a notification from the setup page whenever the tool asks for one, and types the
 * number the browser shows. Resolves with the exit code and everything printed.
 */
async function runAsOperator(h: PushHarness, options: { timeoutSeconds: number; sendNotifications: boolean; pin?: string }) {
  const a = h.browser();
  await h.login(a);
  const { code, url } = await h.beginPushSetup(a);
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const pinArgs = options.pin === undefined ? [] : ['--pin', options.pin];
  const child = spawn(process.execPath, [CLI, 'conformance', `${h.origin}/mfa`, '--code', code, '--url', url, '--timeout', String(options.timeoutSeconds), ...pinArgs], { env });
  /** "Contact me" on the setup page; the first time on a server that requires a PIN, choosing it comes first. */
  const contact = async () => {
    const res = await h.post(a, '/mfa/setup/push/contact', {}, '/mfa/setup/push');
    if (res.headers.location === '/mfa/setup/push/pin') await h.post(a, '/mfa/setup/push/pin', { pin: options.pin, confirm: options.pin }, '/mfa/setup/push/pin');
  };
  let stdout = '';
  let stderr = '';
  let acting = Promise.resolve();
  let actions = 0;
  let numbers = 0;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    // The operator's part, in order: one notification per ACTION line, the number when asked.
    for (; actions < (stdout.match(/^ACTION: /gm) ?? []).length; actions++) {
      if (options.sendNotifications) acting = acting.then(contact);
    }
    for (; numbers < (stdout.match(/Number: /g) ?? []).length; numbers++) {
      acting = acting.then(async () => void child.stdin.write(`${await h.shownNumber(a, '/mfa/setup/push/wait')}\n`));
    }
  });
  const exitCode = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  await acting;
  return { exitCode, stdout, stderr, browser: a };
}

describe('npm run authenticator -- conformance <base URL>', () => {
  it('passes every check against the example app, and the approval completes the setup in the browser', { timeout: 120_000 }, async () => {
    // The tool signs with the real time, so the server runs on it too.
    const h = await startPushHarness({ clock: () => Date.now() });
    try {
      const run = await runAsOperator(h, { timeoutSeconds: 30, sendNotifications: true });
      assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
      const passed = run.stdout.match(/^PASS {2}/gm) ?? [];
      assert.ok(passed.length >= 35, `${passed.length} checks passed:\n${run.stdout}`);
      assert.doesNotMatch(run.stdout, /^FAIL/m);
      assert.match(run.stdout, new RegExp(`^${passed.length} passed, 0 failed$`, 'm'));
      for (const check of ['activation: the code works only once', 'signed requests: a timestamp 61 s old is refused', 'signed requests: the same request sent again is refused (replay)',
        'long-poll: with nothing pending it waits about 2 s, then answers an empty list', 'deny: a deny without number is accepted', 'wrong number: the notification fails', 'approve: the right number approves']) {
        assert.match(run.stdout, new RegExp(`^PASS {2}${check.replace(/[()]/g, '\\$&')}$`, 'm'));
      }
      const done = await h.post(run.browser, '/mfa/setup/push/wait', { method: 'push' }, '/mfa/setup/push/wait');
      assert.equal(done.headers.location, `/mfa${nextSetupStep('/setup/push')}`, 'the approval the tool gave is a real one');
    } finally {
      await h.stop();
    }
  });

  it('answers with the device PIN on a server that requires one', { timeout: 120_000 }, async () => {
    const h = await startPushHarness({ clock: () => Date.now(), mfaOptions: { push: { requirePin: true } } });
    try {
      const run = await runAsOperator(h, { timeoutSeconds: 30, sendNotifications: true, pin: '274951' });
      assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, /^PASS {2}wrong number: the notification fails$/m);
      assert.match(run.stdout, /^PASS {2}approve: the right number approves$/m);
    } finally {
      await h.stop();
    }
  });

  // A server that forgets nonces accepts replayed requests: the check must say so and fail.
  it('reports the failed checks and exits 1 against a server without replay protection', { timeout: 60_000 }, async () => {
    const forgetful: HarnessSetup = { wrapStore: (store) => aroundStoreMethods(store, (path, call) => (path === 'push.consumeNonce' ? Promise.resolve(true) : call())) };
    const h = await startPushHarness({ clock: () => Date.now() }, forgetful);
    try {
      const run = await runAsOperator(h, { timeoutSeconds: 1, sendNotifications: false });
      assert.equal(run.exitCode, 1, run.stdout);
      assert.match(run.stdout, /^FAIL {2}activation: the same request sent again is refused \(replay\): expected 401 unauthorized, got HTTP 403/m);
      assert.match(run.stdout, /^FAIL {2}signed requests: the same request sent again is refused \(replay\): expected 401 unauthorized, got HTTP 200/m);
      assert.match(run.stdout, /^PASS {2}signed requests: a timestamp 61 s old is refused$/m, 'the other checks still run');
      assert.match(run.stdout, /^FAIL {2}deny: the long-poll delivers the new notification: none arrived within 1 s$/m);
      assert.match(run.stdout, /^\d+ passed, [1-9]\d* failed$/m);
    } finally {
      await h.stop();
    }
  });

  it('explains a missing base URL, and asks for the Code and URL when they are not given', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const run = (...args: string[]) => {
      const child = spawn(process.execPath, [CLI, 'conformance', ...args], { env });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stdin.end('12345678901\n');
      return new Promise<{ code: unknown; output: string }>((resolve) => child.on('close', (code) => resolve({ code, output })));
    };
    const missing = await run();
    assert.equal(missing.code, 2);
    assert.match(missing.output, /conformance needs the base URL of the MFA pages, e\.g\. https:\/\/app\.example\/mfa/);
    const asked = await run('https://app.example/mfa');
    assert.equal(asked.code, 1);
    assert.match(asked.output, /Mobile app → Notification → Set up; "Can't scan the image\?" shows its Code and URL\.\nCode: \nURL: \nFAIL {2}enrollment: the Code and URL of the test account: the input ended before the operator answered\n0 passed, 1 failed/);
  });
});
