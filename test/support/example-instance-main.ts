// One sample-app instance as a process of its own, for the several-instances tests: the sample
// app exactly as `npm start` runs it (deployment from the environment), plus createMfa options
// the test passes as JSON in EXAMPLE_MFA_OPTIONS (e.g. a long push.pollIntervalMs, so only a
// wake-up can deliver an answer quickly).
import { startExampleServer } from '../../example-app/start.js';

const server = await startExampleServer(process.env, JSON.parse(process.env.EXAMPLE_MFA_OPTIONS ?? '{}'));
console.log(`ready: ${server.url} (${server.summary})`);
process.once('SIGTERM', () => void server.close().finally(() => process.exit(0)));
