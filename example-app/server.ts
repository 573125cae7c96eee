import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExampleApp, DEMO_USER } from './app.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), fileURLToPath(new URL('.', import.meta.url)).includes('dist') ? '../..' : '..');
const port = Number(process.env.PORT ?? 3000);
// Security keys are bound to the origin the browser shows: localhost by default, MFA_ORIGIN for another host.
const origin = process.env.MFA_ORIGIN ?? `http://localhost:${port}`;
const dataDir = resolve(process.env.DATA_DIR ?? join(root, 'example-app', 'data'));
mkdirSync(dataDir, { recursive: true });

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
  origin,
});

app.listen(port, () => {
  console.log(`passport-mfa example app: ${origin}/  (data in ${dataDir})`);
  console.log(`Demo user: ${DEMO_USER.username} / ${DEMO_USER.password}`);
});
