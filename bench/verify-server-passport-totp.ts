// passport-totp 0.0.2 for verify.bench.ts, on the same host stack, used as its README shows:
// passport.authenticate('totp') then a flag in the session, the key handed to the strategy in
// plaintext. It checks ±6 steps of real time and keeps no record of used steps; Passport 0.7's
// req.login gives the session a new id.
import { createRequire } from 'node:module';
import express from 'express';
import type { Request, Response } from 'express';
import type { Strategy } from 'passport';
import { createVerifyHost, plaintextSeeds, servePeer } from './verify-host.js';
import { benchDataDir } from './server-process.js';
import type { BenchUser } from './verify-host.js';

type TotpSetup = (user: BenchUser, done: (err: unknown, key?: Buffer, period?: number) => void) => void;
// passport-totp ships no types: its Strategy takes a setup callback giving the key and period.
const TotpStrategy = createRequire(import.meta.url)('passport-totp').Strategy as new (setup: TotpSetup) => Strategy;

const data = benchDataDir();
const { seedOf, secrets } = plaintextSeeds(data.dir);
const { app, passport, sessions } = createVerifyHost();
passport.use(new TotpStrategy((user, done) => {
  const seed = seedOf(user.id);
  return seed ? done(null, seed, 30) : done(new Error('no key'));
}));
app.post('/verify', express.urlencoded({ extended: false }), passport.authenticate('totp', { failureRedirect: '/verify' }), (req: Request, res: Response) => {
  req.session.secondFactor = 'totp';
  res.redirect(303, '/');
});

await servePeer(app, sessions, { path: '/verify', secrets, clock: 'real', success: 303, body: 'form', headers: {} }, () => data.remove());
