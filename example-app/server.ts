import { DEMO_USER } from './app.js';
import { startExampleServer } from './start.js';

// PORT, MFA_ORIGIN, TRUST_PROXY, DATA_DIR, MFA_STORE, MFA_STORE_URL, REDIS_URL: see the README.
const server = await startExampleServer(process.env).catch((error: unknown) => {
  // A wrong setting or an unreachable database: say which, without a stack trace.
  console.error(`passport-mfa example app: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
console.log(`passport-mfa example app: ${server.url}/  (${server.summary}; data in ${server.dataDir})`);
console.log(`Demo user: ${DEMO_USER.username} / ${DEMO_USER.password}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.close().finally(() => process.exit(0)));
}
