import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../src/errors.js';
import { PostgresWakeup } from '../../src/transports/postgres-wakeup.js';
import { PostgresServer } from '../support/postgres-server.js';
import { freePort } from '../support/server-process.js';
import { sharedWakeupSuite } from '../support/wakeup-suite.js';

const FAST = { reconnectMinDelayMs: 20, reconnectMaxDelayMs: 200, connectTimeoutMs: 1_000 };

sharedWakeupSuite('PostgresWakeup (LISTEN/NOTIFY on a real server)', {
  missing: () => PostgresServer.missing(),
  start: () => PostgresServer.start(),
  connect: (server) => PostgresWakeup.connect({ connectionString: (server as PostgresServer).url(), ...FAST }),
  connectNowhere: async () => PostgresWakeup.connect({ connectionString: `postgres://mfa@127.0.0.1:${await freePort()}/postgres`, ...FAST }),
});

describe('PostgresWakeup options', () => {
  it('says what to fix in wrong options', async () => {
    const url = 'postgres://mfa@127.0.0.1:1/postgres';
    await assert.rejects(PostgresWakeup.connect({}), /exactly one of `pool`.*or `connectionString`/);
    await assert.rejects(PostgresWakeup.connect({ connectionString: 'mysql://x' }), /postgres:\/\/ URL/);
    await assert.rejects(PostgresWakeup.connect({ connectionString: url, channel: 'drop table;' }), /`channel` must be letters/);
    await assert.rejects(PostgresWakeup.connect({ connectionString: url, healthCheckMs: 10 }), /`healthCheckMs`/);
    await assert.rejects(PostgresWakeup.connect({ connectionString: url, reconnectMinDelayMs: 500, reconnectMaxDelayMs: 100 }), /must not exceed/);
    await assert.rejects(PostgresWakeup.connect(null as never), ConfigurationError);
  });
});
