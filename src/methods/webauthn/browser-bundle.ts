import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigurationError } from '../../errors.js';

/**
 * The installed @simplewebauthn/browser's single-file bundle (it defines `SimpleWebAuthnBrowser`),
 * served by the router so pages load it from their own origin: no CDN, and the strict CSP holds.
 */
export function browserBundlePath(): string {
  const require = createRequire(import.meta.url);
  // The package's CommonJS entry is script/index.js; the bundle sits beside it in dist/bundle.
  const path = join(dirname(require.resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js');
  if (!existsSync(path)) throw new ConfigurationError(`passport-mfa: security keys need @simplewebauthn/browser's bundle at ${path}; reinstall passport-mfa's dependencies.`);
  return path;
}
