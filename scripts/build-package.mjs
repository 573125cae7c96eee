#!/usr/bin/env node
// The `prepare` build: compiles only the published sources (src/ → dist/src/) so that an install
// from a git URL or a fresh clone, and `npm pack`, have the dist/ that package.json points at.
// dist/src is emptied first because tsc never deletes outputs: the output of a source file that
// was since renamed or removed must not be published.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  console.error('passport-mfa prepare: TypeScript is not installed. Install the dev dependencies (npm install) to build dist/.');
  process.exit(1);
}
rmSync('dist/src', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
