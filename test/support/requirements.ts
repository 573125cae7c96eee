import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * What a suite does when something it needs from outside npm (chromium, oathtool, redis...) is
 * missing. In CI (CI=true, where .ci/run installs everything) that is a broken setup, so it throws
 * and the suite fails. Elsewhere it returns a skip reason for node:test's `{ skip }` and prints it
 * to stderr, so a skipped check is never mistaken for a passing one.
 */
export function missingRequirement(what: string, howToInstall: string): string {
  const reason = `${what} is missing (${howToInstall}); these checks did NOT run`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  console.warn(`\n!!! SKIPPED: ${reason} !!!\n`);
  return reason;
}

/** The absolute path of an executable on PATH (or the given absolute path), or null. */
export function findTool(binary: string): string | null {
  const candidates = binary.includes('/') ? [binary] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, binary));
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      if (statSync(path).isFile()) return path;
    } catch {
      // not here; try the next PATH entry
    }
  }
  return null;
}

/** findTool()'s path, or a skip reason from missingRequirement(). */
export function toolOrSkip(binary: string, howToInstall = `apt-get install ${binary}`): { path: string } | { skip: string } {
  const path = findTool(binary);
  return path ? { path } : { skip: missingRequirement(`the external tool "${binary}"`, howToInstall) };
}
