import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Debian's Chromium (apt-get install chromium), used when it is installed. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * Set to "bundled" to use @sparticuz/chromium's build even where Debian's is installed (one test
 * does, so that the path a machine with only Node takes is exercised on every machine).
 */
export const BROWSER_ENV = 'PASSPORT_MFA_BROWSER';

/** Which Chromium the browser tests drive, and the flags it needs. */
export interface ChromiumBuild {
  kind: 'debian' | 'bundled';
  executablePath: string;
  args: string[];
}

/**
 * Flags of @sparticuz/chromium's list that switch off the web's security model (same-origin
 * policy, mixed content, site isolation). The tests check the pages' CSP and same-origin
 * behaviour, so the browser must enforce them as a user's browser does.
 */
const WEAKENING_FLAGS = new Set(['--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials']);

/** Whether some Chromium can run here: Debian's, or the bundled build from the dev dependency. */
export function chromiumAvailable(): boolean {
  return existsSync(DEBIAN_CHROMIUM) || bundledPackageInstalled();
}

function bundledPackageInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@sparticuz/chromium');
    return true;
  } catch {
    return false;
  }
}

/** Debian's Chromium where it is installed (unless PASSPORT_MFA_BROWSER=bundled), else the bundled build. */
export async function chromiumBuild(kind: 'debian' | 'bundled' | 'auto' = 'auto'): Promise<ChromiumBuild> {
  const wanted = kind === 'auto' ? (process.env[BROWSER_ENV] === 'bundled' || !existsSync(DEBIAN_CHROMIUM) ? 'bundled' : 'debian') : kind;
  if (wanted === 'debian') return { kind: 'debian', executablePath: DEBIAN_CHROMIUM, args: [] };
  const { default: chromium } = await import('@sparticuz/chromium');
  return { kind: 'bundled', executablePath: await extractOnce(() => chromium.executablePath()), args: chromium.args.filter((a) => !WEAKENING_FLAGS.has(a)) };
}

const LOCK = join(tmpdir(), 'passport-mfa-chromium-extract.lock');
/** An extraction takes seconds; a lock older than this was left by a process that died. */
const STALE_LOCK_MS = 5 * 60_000;

/**
 * @sparticuz/chromium decompresses its build to the temp directory on first use, and a second
 * process starting meanwhile would find a half-written binary: test files run in parallel, so
 * one extracts while the others wait for it (a directory created atomically is the lock).
 */
async function extractOnce(extract: () => Promise<string>): Promise<string> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      else await delay(100);
    }
  }
  try {
    return await extract();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
