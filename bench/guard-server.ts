// The server half of guard.bench.ts (argv: 'baseline' or 'guarded'; a child process, so that its
// CPU time per request can be read apart from the load generator's): the minimal host on a
// SqliteStore, its route /account behind mfa.requireSecondFactor() or not, and one session
// signed in through both factors by the real setup flow.
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { SqliteStore } from '../src/index.js';
import { listenOnLocalhost } from '../test/support/local-server.js';
import { beginTotpSetup, submitCode, totpCode } from '../test/support/mfa-flow.js';
import { createMinimalHost } from '../test/support/minimal-host.js';
import { answerCommands, benchDataDir } from './server-process.js';

export type GuardServerMessage = { type: 'ready'; url: string; cookie: string };

const label = process.argv[2];
if (label !== 'baseline' && label !== 'guarded') throw new Error(`guard-server: baseline or guarded, not ${label}`);
const data = benchDataDir();
const store = new SqliteStore({ filename: join(data.dir, 'mfa.db') });
const { app } = createMinimalHost({ express, store, guarded: label === 'guarded' });
const server = await listenOnLocalhost(app);

// Both apps go through the same real setup flow, so both sessions hold the same state.
const a = request.agent(server.base);
await a.post('/test-login');
const secret = await beginTotpSetup(a);
const done = await submitCode(a, '/mfa/setup/totp', totpCode(secret, Date.now()));
const setCookie = done.headers['set-cookie'] as unknown as string[] | undefined;
if (done.status !== 303 || !setCookie?.[0]) throw new Error(`${label}: second factor not completed (${done.status})`);

answerCommands(() => undefined);
process.once('disconnect', () => void server.close().then(async () => {
  await store.close();
  data.remove();
}));
process.send!({ type: 'ready', url: `${server.base}/account`, cookie: setCookie[0].split(';')[0]! } satisfies GuardServerMessage);
