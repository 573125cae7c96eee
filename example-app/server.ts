import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExampleApp, DEMO_USER } from './app.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), fileURLToPath(new URL('.', import.meta.url)).includes('dist') ? '../..' : '..');
const port = Number(process.env.PORT ?? 3000);
/** Where browsers and phones reach the app: MFA_ORIGIN (e.g. https://mfa.example behind a proxy), else this port on localhost. */
const origin = process.env.MFA_ORIGIN ?? `http://localhost:${port}`;
const dataDir = resolve(process.env.DATA_DIR ?? join(root, 'example-app', 'data'));
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

/** A development key kept beside the data, created on first start; production passes MFA_SECRET_KEY. */
function keyFile(name: string, envValue: string | undefined): string {
  if (envValue) return envValue;
  const file = join(dataDir, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

const { app } = await createExampleApp({
  dataDir,
  secretKey: keyFile('mfa-secret.key', process.env.MFA_SECRET_KEY),
  sessionSecret: keyFile('session-secret.key', process.env.SESSION_SECRET),
  publicOrigin: origin,
  // Behind a reverse proxy: TRUST_PROXY=loopback (or the proxy's address, or a hop count).
  ...(process.env.TRUST_PROXY ? { trustProxy: /^\d+$/.test(process.env.TRUST_PROXY) ? Number(process.env.TRUST_PROXY) : process.env.TRUST_PROXY } : {}),
});

app.listen(port, () => {
  console.log(`passport-mfa example app: ${origin}/ on port ${port}  (data in ${dataDir})`);
  console.log(`Demo user: ${DEMO_USER.username} / ${DEMO_USER.password}`);
});
