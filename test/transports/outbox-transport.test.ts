import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutboxTransport } from '../../src/transports/outbox-transport.js';
import { FakeClock } from '../support/fake-clock.js';

describe('OutboxTransport', () => {
  it('keeps messages and calls newest first, with kind and time, up to its limit', async () => {
    const clock = new FakeClock();
    const outbox = new OutboxTransport({ limit: 2, clock: clock.now });
    await outbox.sendSms({ to: '+12015550123', body: 'first' });
    clock.advance(1000);
    await outbox.makeCall({ to: '+12015550124', say: 'second' });
    clock.advance(1000);
    await outbox.sendSms({ to: '+12015550125', body: 'third' });
    assert.deepEqual(outbox.entries(), [
      { kind: 'sms', to: '+12015550125', body: 'third', at: clock.now() },
      { kind: 'voice', to: '+12015550124', body: 'second', at: clock.now() - 1000 },
    ]);
  });

  it('rejects a limit that is not a positive integer', () => {
    assert.throws(() => new OutboxTransport({ limit: 0 }), TypeError);
  });
});
