// The bare endpoint for verify.bench.ts (argv: the bench's start time): the host stack with one
// route that checks a code with otplib against the user's seed (plaintext, in SQLite), marks the
// session and redirects. No CSRF, lockout, replay refusal, sealing or new session id: the floor
// of what a TOTP check on this stack costs. It keeps the counted clock passport-mfa's server does.
import express from 'express';
import type { Request, Response } from 'express';
import { verifySync } from 'otplib';
import { createVerifyHost, plaintextSeeds, servePeer } from './verify-host.js';
import { benchDataDir } from './server-process.js';
import type { BenchUser } from './verify-host.js';
import { countedNow } from './verify-protocol.js';

const origin = Number(process.argv[2]);
const data = benchDataDir();
const { seedOf, secrets } = plaintextSeeds(data.dir);
const { app, sessions } = createVerifyHost();
let received = 0;
app.post('/verify', (_req, _res, next) => {
  received++;
  next();
}, express.urlencoded({ extended: false }), (req: Request, res: Response) => {
  const seed = req.user ? seedOf((req.user as BenchUser).id) : undefined;
  const code = (req.body as { code?: unknown } | undefined)?.code;
  if (!seed || typeof code !== 'string' || !verifySync({ secret: seed, token: code, epoch: countedNow(origin, received) / 1000, epochTolerance: 30 }).valid) {
    res.status(401).end();
    return;
  }
  req.session.secondFactor = 'totp';
  res.redirect(303, '/');
});

await servePeer(app, sessions, { path: '/verify', secrets, clock: 'counted', success: 303, body: 'form', headers: {} }, () => data.remove());
