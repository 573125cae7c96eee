import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * A host app that installs passport-mfa the way a user does: from the packed tarball, not from
 * this repository's sources. The network is never used: the host's other packages (Express,
 * express-session, Passport, the package's own dependencies, type packages) are linked from this
 * repository's node_modules, so only the versions chosen here (Express 4 or 5) differ.
 */

export const run = promisify(execFile);

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SHARED = realpathSync(join(REPO_ROOT, 'node_modules'));

/** What a fresh clone needs to pack the package (everything `prepare` and `files` use). */
const CLONE_ENTRIES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'scripts', 'src', 'views'];

/** npm without network, update checks or audit, whatever the user's config says. */
export const NPM_ENV = { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' };

/**
 * Copies the sources as a fresh clone has them (no dist/) and packs them with `npm pack`, which
 * runs the `prepare` build. Returns the tarball's path and the files npm put in it.
 */
export async function packFreshClone(dir: string): Promise<{ tarball: string; files: string[] }> {
  const clone = join(dir, 'clone');
  for (const entry of CLONE_ENTRIES) cpSync(join(REPO_ROOT, entry), join(clone, entry), { recursive: true });
  symlinkSync(SHARED, join(clone, 'node_modules'), 'dir');
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: clone, env: NPM_ENV, maxBuffer: 16 << 20 });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(dir, packed!.filename), files: packed!.files.map((f) => f.path) };
}

export type ExpressMajor = 4 | 5;

/** Type packages of a TypeScript Express + Passport host besides Express's own (which depend on the version). */
const HOST_TYPES = ['node', 'body-parser', 'connect', 'qs', 'range-parser', 'mime', 'http-errors', 'express-session', 'passport', 'passport-local', 'passport-strategy'];

export interface PackedHost {
  dir: string;
  /** The installed package's package.json. */
  manifest: { dependencies?: Record<string, string> };
}

/**
 * Installs the tarball into `dir`/node_modules/passport-mfa (extracted as npm does) and links
 * the host's other packages: the package's own dependencies, Express `express` (4 or 5) with
 * its matching @types/express, express-session, Passport, passport-local and their types.
 */
export async function installPackedHost(dir: string, tarball: string, express: ExpressMajor): Promise<PackedHost> {
  const modules = join(dir, 'node_modules');
  mkdirSync(modules, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', modules]);
  renameSync(join(modules, 'package'), join(modules, 'passport-mfa'));
  const manifest = JSON.parse(readFileSync(join(modules, 'passport-mfa', 'package.json'), 'utf8')) as PackedHost['manifest'];

  const link = (name: string, target = name) => {
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(join(SHARED, target), join(modules, name), 'dir');
  };
  for (const dependency of Object.keys(manifest.dependencies ?? {})) link(dependency);
  link('express', express === 4 ? 'express4' : 'express');
  for (const name of ['express-session', 'passport', 'passport-local']) link(name);

  // The type packages of a TypeScript Express + Passport host, with the Express types of the
  // chosen major version. They are copied, not linked, so that they resolve one another inside
  // the host as an installed tree does; the linked runtime packages resolve their own (Express 5)
  // types where they really are, so a dependency whose types leak into the package's
  // declarations shows up as a type error on the Express 4 host.
  const copy = (name: string, target = name) => cpSync(join(SHARED, target), join(modules, name), { recursive: true, dereference: true });
  for (const name of HOST_TYPES) copy(`@types/${name}`);
  copy('undici-types');
  const expressTypes = express === 4 ? '@types/express4' : '@types/express';
  copy('@types/express', expressTypes);
  for (const name of ['express-serve-static-core', 'serve-static', 'send']) {
    const nested = `${expressTypes}/node_modules/@types/${name}`;
    copy(`@types/${name}`, existsSync(join(SHARED, nested)) ? nested : `@types/${name}`);
  }

  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'packed-host', private: true, type: 'module' }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      // Check passport-mfa's published declarations too, against this host's type packages.
      skipLibCheck: false,
      types: ['node'],
      outDir: 'out',
      noEmitOnError: true,
    },
    files: ['host.ts'],
  }));
  return { dir, manifest };
}

/** The first ```ts block of the README's "## Integration" section. */
export function readmeIntegrationSnippet(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Integration\n'));
  const snippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!snippet || !section) throw new Error('README.md has no ```ts block under "## Integration"');
  return snippet;
}

/** The README's database path, which a test host replaces with one in its temp directory. */
const README_DB = /new SqliteStore\(\{ filename: '[^']*' \}\)/;

/**
 * host.ts: the README's Integration snippet as written (only its database path is replaced), with
 * what it assumes around it: `app`, a first factor (passport-local, one user), `requireLogin`
 * and `accountRoutes`; then POST /login and listen(), printing the port.
 */
export function writeHostSource(host: PackedHost): void {
  const snippet = readmeIntegrationSnippet();
  if (!README_DB.test(snippet)) throw new Error(`the README snippet no longer matches ${README_DB}; update the packed-host test`);
  const lines = snippet.replace(README_DB, 'new SqliteStore({ filename: process.env.MFA_DB! })').split('\n');
  const imports = lines.filter((l) => l.startsWith('import '));
  const body = lines.filter((l) => !l.startsWith('import '));
  const source = [
    ...imports,
    "import type { NextFunction, Request, Response } from 'express';",
    "import { Strategy as LocalStrategy } from 'passport-local';",
    '',
    '// The host around the snippet: its app, its own first factor and its routes.',
    'const app = express();',
    'app.use(express.urlencoded({ extended: false }));',
    "const USER = { id: 'u1', username: 'alice', password: 'correct horse battery staple' };",
    'passport.use(new LocalStrategy((username, password, done) => done(null, username === USER.username && password === USER.password ? USER : false)));',
    'passport.serializeUser((user, done) => done(null, (user as typeof USER).id));',
    'passport.deserializeUser((id: string, done) => done(null, id === USER.id ? USER : false));',
    "const requireLogin = (req: Request, res: Response, next: NextFunction) => (req.user ? next() : res.redirect(303, '/login'));",
    "const accountRoutes = express.Router().get('/', (req: Request, res: Response) => { res.json({ user: (req.user as typeof USER).username }); });",
    '',
    '// The README snippet.',
    ...body,
    '',
    "app.post('/login', passport.authenticate('local', { failureRedirect: '/login' }), (_req: Request, res: Response) => res.redirect(303, '/account'));",
    "const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as { port: number }).port })));",
    '',
  ].join('\n');
  writeFileSync(join(host.dir, 'host.ts'), source);
}

/** Type-checks and compiles host.ts with the repository's TypeScript; rejects with tsc's output on any error. */
export async function compileHost(host: PackedHost): Promise<void> {
  const tsc = join(SHARED, 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', join(host.dir, 'tsconfig.json')], { cwd: host.dir }).catch((error: { stdout?: string }) => {
    throw new Error(`tsc failed on the host:\n${error.stdout ?? String(error)}`);
  });
}
