import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { beginTotpSetup, submitCode, totpCode } from '../support/mfa-flow.js';
import { compileHost, installPackedHost, NPM_ENV, packFreshClone, REPO_ROOT, run, writeHostSource } from '../support/packed-host.js';
import type { ExpressMajor } from '../support/packed-host.js';

// What a user gets: the package packed from a fresh clone (no dist/ until `prepare` builds it),
// installed into a new host, used exactly as the README's Integration section says.

const SECRET_KEY = 'a1'.repeat(32);
const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);

describe('the packed package', () => {
  const dir = mkdtempSync(join(tmpdir(), 'passport-mfa-pack-'));
  let tarball = '';
  let files: string[] = [];

  before(async () => {
    ({ tarball, files } = await packFreshClone(dir));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is built by `prepare` from a fresh clone and holds what package.json points at, and no tests', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string; types: string; exports: Record<string, Record<string, string>> };
    const entryPoints = [manifest.main, manifest.types, ...Object.values(manifest.exports).flatMap((e) => Object.values(e))];
    for (const path of entryPoints) assert.ok(files.includes(path.replace(/^\.\//, '')), `${path} is missing from the tarball`);
    assert.ok(files.includes('views/layout.ejs'), 'the page templates are missing');
    assert.deepEqual(files.filter((f) => !f.startsWith('dist/src/') && !f.startsWith('views/')), ['README.md', 'package.json']);
  });

  it('passes publint (strict) and arethetypeswrong (ESM-only package)', async () => {
    const extracted = join(dir, 'lint');
    mkdirSync(extracted);
    await run('tar', ['-xzf', tarball, '-C', extracted]);
    await run(bin('publint'), ['--strict', '--pack', 'false', join(extracted, 'package')], { env: NPM_ENV }).catch(fail('publint'));
    await run(bin('attw'), ['--profile', 'esm-only', tarball], { env: NPM_ENV }).catch(fail('attw'));
  });

  it('depends on nothing that brings its own Express types (a host on @types/express 4 would get two)', () => {
    const { dependencies = {} } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(dependencies)) {
      const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      const typed = Object.keys(manifest.dependencies ?? {}).filter((d) => /^@types\/(express|express-serve-static-core|passport)$/.test(d));
      assert.deepEqual(typed, [], `${name} depends on ${typed.join(', ')}`);
    }
  });

  for (const major of [5, 4] as ExpressMajor[]) {
    describe(`in a TypeScript host on Express ${major} and @types/express ${major}`, () => {
      const hostDir = join(dir, `host-express${major}`);
      let server: ChildProcess | undefined;
      after(() => server?.kill());

      it("type-checks the README's Integration snippet (strict, with the package's declarations)", async () => {
        const host = await installPackedHost(hostDir, tarball, major);
        writeHostSource(host);
        await compileHost(host);
      });

      it('signs in: password → setup → TOTP → guarded route 200, and later sign-ins ask for a code', async () => {
        const started = await startHost(hostDir);
        server = started.child;
        const base = `http://127.0.0.1:${started.port}`;
        const version = JSON.parse(readFileSync(join(hostDir, 'node_modules', 'express', 'package.json'), 'utf8')) as { version: string };
        assert.equal(version.version.split('.')[0], String(major));

        const a = request.agent(base);
        assert.equal((await a.get('/account').redirects(0)).headers.location, '/login');
        const login = await a.post('/login').type('form').send({ username: 'alice', password: 'correct horse battery staple' }).redirects(0);
        assert.equal(login.headers.location, '/account');
        assert.equal((await a.get('/account').redirects(0)).headers.location, '/mfa/setup');
        const secret = await beginTotpSetup(a);
        const enrolled = await submitCode(a, '/mfa/setup/totp', totpCode(secret, Date.now()));
        assert.equal(enrolled.status, 303, enrolled.text.slice(0, 300));
        const account = await a.get('/account').redirects(0);
        assert.equal(account.status, 200);
        assert.deepEqual(account.body, { user: 'alice' });

        const b = request.agent(base);
        await b.post('/login').type('form').send({ username: 'alice', password: 'correct horse battery staple' });
        assert.equal((await b.get('/account').redirects(0)).headers.location, '/mfa/verify');
        // The next time step's code: the enrollment used this one, and a code is single-use.
        const verified = await submitCode(b, '/mfa/verify', totpCode(secret, Date.now(), 1));
        assert.equal(verified.status, 303, verified.text.slice(0, 300));
        assert.equal(verified.headers.location, '/account');
        assert.equal((await b.get('/account').redirects(0)).status, 200);
      });
    });
  }
});

function fail(tool: string) {
  return (error: { stdout?: string; stderr?: string }) => {
    throw new Error(`${tool} failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  };
}

/** Runs the compiled host with its secrets and a database in its directory; resolves with its port. */
function startHost(hostDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [join(hostDir, 'out', 'host.js')], {
    cwd: hostDir,
    env: { ...process.env, MFA_SECRET_KEY: SECRET_KEY, SESSION_SECRET: 'packed-host-session-secret', MFA_DB: join(hostDir, 'mfa.db') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      const port = /\{"port":(\d+)\}/.exec(output)?.[1];
      if (port) resolve({ child, port: Number(port) });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`the host exited (${code}) before listening:\n${output}`)));
  });
}
