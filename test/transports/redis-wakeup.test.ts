import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedisWakeup } from '../../src/transports/redis-wakeup.js';
import { RedisServer } from '../support/redis-server.js';
import { freePort } from '../support/server-process.js';
import { sharedWakeupSuite } from '../support/wakeup-suite.js';

const FAST = { reconnectMinDelayMs: 20, reconnectMaxDelayMs: 200, connectTimeoutMs: 1_000 };

sharedWakeupSuite('RedisWakeup (pub/sub on a real server)', {
  missing: () => RedisServer.missing(),
  start: () => RedisServer.start(),
  connect: (server) => RedisWakeup.connect({ url: (server as RedisServer).url, ...FAST }),
  connectNowhere: async () => RedisWakeup.connect({ url: `redis://127.0.0.1:${await freePort()}`, ...FAST }),
});

describe('RedisWakeup options', () => {
  it('says what to fix in wrong options', async () => {
    await assert.rejects(RedisWakeup.connect({ url: 'http://x' }), /redis:\/\/ or rediss:\/\/ URL/);
    await assert.rejects(RedisWakeup.connect({ url: 'redis://127.0.0.1:1', channel: '' }), /`channel`/);
    await assert.rejects(RedisWakeup.connect({ url: 'redis://127.0.0.1:1', healthCheckMs: 0 }), /`healthCheckMs`/);
  });
});
