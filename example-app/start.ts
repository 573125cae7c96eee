import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MfaOptions } from '../src/index.js';
import { createExampleApp } from './app.js';
import { deploymentFromEnvironment } from './deployment.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, here.includes('dist') ? '../..' : '..');

export interface ExampleServer {
  /** Where browsers and phones reach it (MFA_ORIGIN, else http://localhost:<port>). */
  url: string;
  dataDir: string;
  /** What the environment chose, e.g. "PostgreSQL store, Redis sessions and wake-ups". */
  summary: string;
  close(): Promise<void>;
}

/**
 * The sample app as `npm start` runs it, configured by its environment: PORT (default 3000),
 * MFA_ORIGIN, TRUST_PROXY, DATA_DIR, MFA_SECRET_KEY, SESSION_SECRET, and MFA_STORE /
 * MFA_STORE_URL / REDIS_URL for where everything lives (see deployment.ts). `mfaOptions` are
 * merged over the app's own.
 */
export async function startExampleServer(env: NodeJS.ProcessEnv, mfaOptions: Partial<MfaOptions> = {}): Promise<ExampleServer> {
  const port = Number(env.PORT ?? 3000);
  /** Where browsers and phones reach the app: MFA_ORIGIN (e.g. https://mfa.example behind a proxy), else this port on localhost. Security keys are bound to it. */
  const origin = env.MFA_ORIGIN ?? `http://localhost:${port}`;
  const dataDir = resolve(env.DATA_DIR ?? join(root, 'example-app', 'data'));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  /** A development key kept beside the data, created on first start; production passes it in the environment. */
  const keyFile = (name: string, envValue: string | undefined): string => {
    if (envValue) return envValue;
    const file = join(dataDir, name);
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    return readFileSync(file, 'utf8').trim();
  };

  const deployment = await deploymentFromEnvironment(env, dataDir);
  const example = await createExampleApp({
    dataDir,
    secretKey: keyFile('mfa-secret.key', env.MFA_SECRET_KEY),
    sessionSecret: keyFile('session-secret.key', env.SESSION_SECRET),
    store: deployment.store,
    users: deployment.users,
    sessionStore: deployment.sessionStore,
    publicOrigin: origin,
    origin,
    // Behind a reverse proxy: TRUST_PROXY=loopback (or the proxy's address, or a hop count).
    ...(env.TRUST_PROXY ? { trustProxy: /^\d+$/.test(env.TRUST_PROXY) ? Number(env.TRUST_PROXY) : env.TRUST_PROXY } : {}),
    mfaOptions: { ...(deployment.wakeup ? { wakeup: deployment.wakeup } : {}), ...mfaOptions },
  });
  example.app.use(example.notFound);
  const server = await new Promise<Server>((ready) => {
    const s = example.app.listen(port, () => ready(s));
  });
  return {
    url: origin,
    dataDir,
    summary: example.securityKeysOff ? `${deployment.summary}; ${example.securityKeysOff}` : deployment.summary,
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await example.close();
      await deployment.close();
    },
  };
}
