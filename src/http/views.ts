import { existsSync, readFileSync } from 'node:fs';
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
 * Each template is found and compiled once, on first use, not on every request.
 */
export class ViewRenderer {
  readonly #dirs: string[];
  readonly #globals: Record<string, unknown>;
  readonly #compiled = new Map<string, ejs.TemplateFunction>();

  constructor(options: ViewRendererOptions) {
    const own = join(packageRoot(), 'views');
    this.#dirs = options.overrideDir ? [options.overrideDir, own] : [own];
    this.#globals = options.globals;
  }

  async render(page: string, locals: Record<string, unknown>): Promise<string> {
    const data = { ...this.#globals, ...locals };
    const body = this.#template(page)(data);
    return this.#template('layout')({ ...data, body });
  }

  /** Renders `views/<part>.ejs` alone, without the layout: one method's block of a page. */
  renderPart(part: string, locals: Record<string, unknown>): string {
    return this.#template(part)({ ...this.#globals, ...locals });
  }

  #template(name: string): ejs.TemplateFunction {
    let template = this.#compiled.get(name);
    if (!template) this.#compiled.set(name, (template = this.#compile(name)));
    return template;
  }

  #compile(name: string): ejs.TemplateFunction {
    for (const dir of this.#dirs) {
      const file = join(dir, `${name}.ejs`);
      if (existsSync(file)) return ejs.compile(readFileSync(file, 'utf8'), { filename: file, views: this.#dirs });
    }
    throw new Error(`passport-mfa: no template ${name}.ejs in ${this.#dirs.join(' or ')}`);
  }
}
