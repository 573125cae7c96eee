// The server half of push-latency.bench.ts (a child process, so the server has its own event loop
// as in production): the example app with alice enrolled for push. The device's key goes to a
// JSON state file (the CLI's account store) so the benchmark process can answer as that device.
import { AuthenticatorClient } from '../src/authenticator/client.js';
import { JsonFileAccountStore } from '../src/cli/json-file-account-store.js';
import { startSeededPushServer } from './seeded-sessions.js';

export type LatencyServerMessage =
  | { type: 'ready'; origin: string; csrf: string }
  | { type: 'session'; cookie: string; now: number };

const send = (message: LatencyServerMessage) => process.send!(message);
const deviceState = process.argv[2]!;
const { h, sessions } = await startSeededPushServer({}, (clock) => new AuthenticatorClient({ store: new JsonFileAccountStore(deviceState), clock }));

process.on('message', async (command: string) => {
  if (command !== 'next') return;
  // Each sign-in starts 11 minutes after the previous one on the server's clock, so the
  // push-bombing budget (5 per 10 minutes) never stands in the way of a benchmark.
  h.clock.advance(11 * 60_000);
  const now = h.clock.now();
  send({ type: 'session', cookie: await sessions.seed(now), now });
});
process.once('disconnect', () => void h.stop());
send({ type: 'ready', origin: h.origin, csrf: sessions.csrf });
