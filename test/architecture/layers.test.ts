import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// Reads the TypeScript sources (not dist/), so type-only imports count too: a type from the
// HTTP layer in the domain is a dependency on it all the same.
const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const SRC = join(ROOT, 'src');

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The import and export-from specifiers of a source file, static and dynamic. */
function specifiers(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const statics = [...source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  const sideEffects = [...source.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  const dynamics = [...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
  return [...statics, ...sideEffects, ...dynamics];
}

/** The source file a relative specifier names ('./x.js' is './x.ts' in src/). */
function target(from: string, specifier: string): string {
  return resolve(dirname(from), specifier).replace(/\.js$/, '.ts');
}

/** What `file` reaches through relative imports, itself included, each with the package imports it makes. */
function reach(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const found = specifiers(file);
  seen.set(file, found.filter((s) => !s.startsWith('.')));
  for (const s of found) if (s.startsWith('.')) reach(target(file, s), seen);
  return seen;
}

const rel = (file: string) => relative(ROOT, file);
const under = (file: string, folder: string) => rel(file).startsWith(`src/${folder}/`);
const isExpress = (pkg: string) => pkg === 'express' || pkg.startsWith('express/') || pkg === 'express-session';

/** The framework-free domain: methods (with their pages), the push protocol core, policies, stores, crypto, transports. */
const DOMAIN = ['methods', 'push', 'policy', 'stores', 'crypto', 'transports'];

/**
 * A wrong-way import of `file`, following imports transitively: which module it reaches in
 * src/http/ or src/passport/, or which of them imports Express; null when there is none.
 */
function wrongWay(file: string, forbidden: readonly string[], noExpress: boolean): string | null {
  for (const [module, packages] of reach(file)) {
    const layer = forbidden.find((f) => under(module, f));
    if (layer) return `${rel(file)} reaches src/${layer}/ (${rel(module)})`;
    if (noExpress && packages.some(isExpress)) return `${rel(file)} reaches Express (${rel(module)} imports ${packages.filter(isExpress).join(', ')})`;
  }
  return null;
}

describe('layers point one way: http → passport/second-step → methods → policy, stores, crypto', () => {
  it('finds the sources it checks', () => {
    for (const folder of [...DOMAIN, 'http', 'passport']) assert.ok(existsSync(join(SRC, folder)), `src/${folder}/ exists`);
    assert.ok(sources(join(SRC, 'methods')).length >= 20, 'walked the methods');
  });

  for (const folder of DOMAIN) {
    it(`src/${folder}/ imports neither Express nor src/http/ nor src/passport/, directly or through another module`, () => {
      const problems = sources(join(SRC, folder)).map((f) => wrongWay(f, ['http', 'passport'], true)).filter((p) => p !== null);
      assert.deepEqual(problems, []);
    });
  }

  it('src/passport/ does not import src/http/', () => {
    const problems = sources(join(SRC, 'passport')).map((f) => wrongWay(f, ['http'], false)).filter((p) => p !== null);
    assert.deepEqual(problems, []);
  });

  it('src/second-step/ (shared by the pages and the strategy) imports neither src/http/ nor src/passport/', () => {
    const problems = sources(join(SRC, 'second-step')).map((f) => wrongWay(f, ['http', 'passport'], false)).filter((p) => p !== null);
    assert.deepEqual(problems, []);
  });

  it('catches a wrong-way import (the check itself works)', () => {
    assert.match(wrongWay(join(SRC, 'mfa.ts'), ['http'], false) ?? '', /reaches src\/http\//);
    assert.match(wrongWay(join(SRC, 'mfa.ts'), [], true) ?? '', /reaches Express/);
  });
});
