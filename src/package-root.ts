import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root directory (holding package.json and views/), from source or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'views'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('passport-mfa: cannot find the package root (views/ is missing)');
    dir = parent;
  }
  return dir;
}
