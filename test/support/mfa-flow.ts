import { base32 } from '@otplib/plugin-base32-scure';
import type TestAgent from 'supertest/lib/agent.js';
import { totpAt } from '../../src/methods/totp/totp-method.js';

/**
 * Steps of the MFA pages driven like a browser, for any host app (the example app, the minimal
 * host on Express 4 or 5, the benchmark's apps). Pages live under the default basePath '/mfa'.
 */

export type Agent = InstanceType<typeof TestAgent>;

/** The CSRF token in a page's form, or in its meta tag (what the page scripts send). */
export function csrfIn(html: string): string | undefined {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? /<meta name="mfa-csrf-token" content="([^"]+)"/.exec(html)?.[1];
}

/** The CSRF token of the page at `path` (GET with this agent's session). */
export async function csrfOf(a: Agent, path: string): Promise<string> {
  const res = await a.get(path).redirects(0);
  const token = csrfIn(res.text);
  if (!token) throw new Error(`no CSRF token on ${path} (status ${res.status}): ${res.text.slice(0, 200)}`);
  return token;
}

/**
 * Chooses a method as the pages do: on the wizard's first page (`wizardFields`: its contact and
 * mode) or, for a user who has a method already (whom /mfa/setup sends there), on Add method.
 */
export async function chooseMethod(a: Agent, method: string, wizardFields: Record<string, string>) {
  const wizard = await a.get('/mfa/setup').redirects(0);
  if (wizard.status === 303 && wizard.headers.location === '/mfa/manage/add-method') return postForm(a, '/mfa/manage/add-method', { method });
  return postForm(a, '/mfa/setup', wizardFields);
}

/** Chooses Mobile app → One-time password → Set up (or Add method); returns the base32 secret the setup page offers. */
export async function beginTotpSetup(a: Agent): Promise<string> {
  const res = await chooseMethod(a, 'totp', { contact: 'mobile_app', mode: 'otp' });
  if (res.status !== 303) throw new Error(`setup failed: ${res.status} ${res.text.slice(0, 300)}`);
  const page = await a.get('/mfa/setup/totp');
  const secret = totpSecretIn(page.text);
  if (!secret) throw new Error(`no otpauth:// link on the setup page (status ${page.status})`);
  return secret;
}

/** The base32 secret in the otpauth:// link of an authenticator-app setup page, if it has one. */
export function totpSecretIn(html: string): string | undefined {
  return /otpauth:\/\/totp\/[^"<\s]*?[?;]secret=([A-Z2-7]+)/.exec(html)?.[1];
}

/** The code an RFC 6238 app (SHA-1, 6 digits, 30 s) shows at `nowMs`, or `offsetSteps` periods away. */
export function totpCode(secret: string, nowMs: number, offsetSteps = 0): string {
  return totpAt(base32.decode(secret), Math.floor(nowMs / 1000) + offsetSteps * 30, { algorithm: 'sha1', digits: 6, period: 30 });
}

/** Posts a form to `path` with the CSRF token of the page at `pagePath`, without following redirects. */
export async function postForm(a: Agent, path: string, fields: Record<string, unknown> = {}, pagePath: string = path) {
  const token = await csrfOf(a, pagePath);
  return a.post(path).type('form').send({ _csrf: token, ...fields }).redirects(0);
}

/** Posts a code to the verification or setup form, with the CSRF token of the page at `pagePath`. */
export function submitCode(a: Agent, path: '/mfa/verify' | '/mfa/setup/totp', code: unknown, pagePath: string = path) {
  return postForm(a, path, { code }, pagePath);
}

/** A well-formed code that no step of the accepted window (±1) around `nowMs` shows. */
export function wrongCode(secret: string, nowMs: number): string {
  const valid = new Set([-1, 0, 1].map((offset) => totpCode(secret, nowMs, offset)));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

/** The recovery codes a recovery-codes page shows, in order. */
export function recoveryCodesIn(html: string): string[] {
  return [...html.matchAll(/<li><code class="mfa-secret">([^<]+)<\/code><\/li>/g)].map((m) => m[1]!);
}
