import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as builtIn from '../../src/methods/built-in.js';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

function files(dir: string, extension: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, extension);
    return name.endsWith(extension) ? [path] : [];
  });
}

/** The method folder that registers each method id (src/methods/<folder>/index.ts). */
async function owners(): Promise<Map<string, string>> {
  const byId = new Map<string, string>();
  const methods = join(ROOT, 'src', 'methods');
  for (const folder of readdirSync(methods).filter((f) => statSync(join(methods, f)).isDirectory())) {
    const module = (await import(`../../src/methods/${folder}/index.js`)) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      const id = (value as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && typeof (value as { create?: unknown }).create === 'function') byId.set(id, `src/methods/${folder}/`);
    }
  }
  return byId;
}

/** Folders that belong to a method besides its own: the push method's protocol core. */
const ALSO_OWNED: Record<string, string[]> = { push: ['src/push/'] };
/**
 * Not the server's flow: the companion app's client library and command line (their own
 * vocabulary), and the store conformance suite's sample records (a factor type is any string to a store).
 */
const EXEMPT = ['src/authenticator/', 'src/cli/', 'src/testing/'];

/** The code of a source file without its comments (which may name methods freely). */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('no method is named outside its own folder', () => {
  it('every registered method comes from a folder of its own', async () => {
    const byId = await owners();
    for (const method of Object.values(builtIn)) assert.ok(byId.has(method.id), `${method.id} is registered by a src/methods/<folder>/index.ts`);
  });

  // The wizard, the verify page, Security info, the router and the strategy iterate the registry;
  // a literal method id elsewhere (`type === 'totp'`, `method: 'push'`) is a branch the next method
  // would have to find and extend.
  it('no source file outside a method\'s folder holds its id as a string literal', async () => {
    const byId = await owners();
    const problems: string[] = [];
    for (const file of files(join(ROOT, 'src'), '.ts')) {
      const path = relative(ROOT, file);
      if (EXEMPT.some((c) => path.startsWith(c))) continue;
      const source = code(readFileSync(file, 'utf8'));
      for (const [id, folder] of byId) {
        if (path.startsWith(folder) || (ALSO_OWNED[id] ?? []).some((f) => path.startsWith(f))) continue;
        const literal = new RegExp(`(['"\`])${id}\\1`);
        const line = source.split('\n').findIndex((l) => literal.test(l));
        if (line >= 0) problems.push(`${path}:${line + 1} names '${id}'`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('no template branches on a method id', async () => {
    const byId = await owners();
    const problems: string[] = [];
    for (const file of files(join(ROOT, 'views'), '.ejs')) {
      const source = readFileSync(file, 'utf8');
      for (const id of byId.keys()) {
        if (new RegExp(`[!=]==?\\s*(['"])${id}\\1|(['"])${id}\\2\\s*[!=]==?`).test(source)) problems.push(`${relative(ROOT, file)} compares with '${id}'`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
