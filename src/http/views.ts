import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';
import { packageRoot } from '../package-root.js';

export interface ViewRendererOptions {
  /** Host directory searched before the package's own views/. */
  overrideDir: string | undefined;
  /** Values every template sees (issuer, basePath, ...). */
  globals: Record<string, unknown>;
}

/**
 * Renders `views/<page>.ejs` inside `views/layout.ejs`. A host overrides any page, or the
 * layout, by putting a file of the same name in its own directory. Templates escape every
 * value (`<%= %>`); pages carry no inline scripts or styles, so a strict CSP holds.
 */
export class ViewRenderer {
  readonly #dirs: string[];
  readonly #globals: Record<string, unknown>;
  readonly #cache = new Map<string, string>();

  constructor(options: ViewRendererOptions) {
    const own = join(packageRoot(), 'views');
    this.#dirs = options.overrideDir ? [options.overrideDir, own] : [own];
    this.#globals = options.globals;
  }

  async render(page: string, locals: Record<string, unknown>): Promise<string> {
    const data = { ...this.#globals, ...locals };
    const body = await ejs.renderFile(this.#find(page), data, { async: false });
    return ejs.renderFile(this.#find('layout'), { ...data, body }, { async: false });
  }

  #find(name: string): string {
    const cached = this.#cache.get(name);
    if (cached) return cached;
    for (const dir of this.#dirs) {
      const file = join(dir, `${name}.ejs`);
      if (existsSync(file)) {
        this.#cache.set(name, file);
        return file;
      }
    }
    throw new Error(`passport-mfa: no template ${name}.ejs in ${this.#dirs.join(' or ')}`);
  }
}
