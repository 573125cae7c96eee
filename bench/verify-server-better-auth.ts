// better-auth's twoFactor plugin for verify.bench.ts: better-auth on Express 5 (its own sessions
// and SQLite database, no express-session or Passport), every user enrolled through its API
// (sign up, enable two-factor, verify a code). The measured request is its
// POST /api/auth/two-factor/verify-totp with the two-factor cookie a password sign-in leaves.
// That pending sign-in is seeded the way better-auth's own sign-in makes it (a verification row
// and its attempt counter, under a signed cookie), so no password work is measured. Passwords are
// hashed with SHA-256 instead of scrypt only to keep the set-up short.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import type { BetterAuthOptions } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { twoFactor } from 'better-auth/plugins/two-factor';
import express from 'express';
import type { Request, Response } from 'express';
import { serveVerifyTarget, BENCH_USERS } from './verify-host.js';
import { benchDataDir } from './server-process.js';
import type { SeededSession } from './verify-protocol.js';

const SECRET = 'verify-bench-better-auth-secret-0123456789';
const PASSWORD = 'bench password 0123456789';
/** better-auth's cookie of a sign-in waiting for its second factor (name and lifetime as its sign-in sets them). */
const TWO_FACTOR_COOKIE = 'better-auth.two_factor';
const TWO_FACTOR_TTL_MS = 600_000;

const data = benchDataDir();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
let handler: ((req: Request, res: Response) => void) | undefined;
const app = express();
app.disable('x-powered-by');
app.all('/api/auth/*splat', (req: Request, res: Response) => handler!(req, res));

const userIds: string[] = [];
/** better-auth's own store of pending sign-ins (its internal adapter), once it is set up. */
let verifications: { createVerificationValue(row: { value: string; identifier: string; expiresAt: Date }): Promise<unknown> } | undefined;

await serveVerifyTarget(app, async (base) => {
  const options = {
    database: new Database(join(data.dir, 'auth.db')),
    secret: SECRET,
    baseURL: base,
    emailAndPassword: { enabled: true, password: { hash: async (p: string) => sha256(p), verify: async ({ hash, password }: { hash: string; password: string }) => hash === sha256(password) } },
    // All load comes from one IP: its per-IP limits would measure themselves.
    rateLimit: { enabled: false },
    plugins: [twoFactor({ issuer: 'Bench' })],
    logger: { level: 'error' },
  } satisfies BetterAuthOptions;
  await (await getMigrations(options)).runMigrations();
  const auth = betterAuth(options);
  handler = toNodeHandler(auth);
  verifications = (await auth.$context).internalAdapter;

  const call = async (path: string, body: unknown, cookie = '') => {
    const res = await auth.handler(new Request(`${base}/api/auth${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', origin: base, cookie }, body: JSON.stringify(body),
    }));
    if (res.status !== 200) throw new Error(`better-auth ${path}: ${res.status} ${await res.text()}`);
    return { json: (await res.json()) as Record<string, unknown>, cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
  };
  const secrets: string[] = [];
  const { generateSync } = await import('otplib');
  for (const u of BENCH_USERS) {
    const up = await call('/sign-up/email', { email: `${u.username}@example.com`, password: PASSWORD, name: u.username });
    userIds.push((up.json.user as { id: string }).id);
    const enabled = await call('/two-factor/enable', { password: PASSWORD }, up.cookie);
    const secret = /[?&]secret=([A-Z2-7]+)/.exec(enabled.json.totpURI as string)![1]!;
    await call('/two-factor/verify-totp', { code: generateSync({ secret }) }, up.cookie);
    secrets.push(secret);
  }
  return { url: `${base}/api/auth/two-factor/verify-totp`, secrets, clock: 'real', success: 200, body: 'json', headers: { origin: base } };
}, async (count) => {
  const seeded: SeededSession[] = [];
  for (let k = 0; k < count; k++) {
    const user = k % userIds.length;
    const identifier = `2fa-${randomBytes(15).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + TWO_FACTOR_TTL_MS);
    await verifications!.createVerificationValue({ value: userIds[user]!, identifier, expiresAt });
    await verifications!.createVerificationValue({ value: '0', identifier: `2fa-attempts-${identifier}`, expiresAt });
    const signature = createHmac('sha256', SECRET).update(identifier).digest('base64');
    seeded.push({ user, cookie: `${TWO_FACTOR_COOKIE}=${encodeURIComponent(`${identifier}.${signature}`)}`, fields: {} });
  }
  return seeded;
}, () => data.remove());
