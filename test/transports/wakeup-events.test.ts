import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MfaEvent } from '../../src/events.js';
import { createMfa } from '../../src/mfa.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { SwitchableWakeup } from '../support/switchable-wakeup.js';

describe('wake-up connection events', () => {
  it("reach the host's onEvent: the lost connection with its reason, then its return", () => {
    const events: MfaEvent[] = [];
    const wakeup = new SwitchableWakeup();
    createMfa({ issuer: 'Contoso', store: new MemoryStore({ warn: () => {} }), secretKey: '0f'.repeat(32), wakeup, onEvent: (e) => events.push(e), clock: () => 42 });
    wakeup.set({ connected: false, error: new Error('Connection terminated unexpectedly') });
    wakeup.set({ connected: true });
    assert.deepEqual(events, [
      { type: 'wakeup.disconnected', userId: null, reason: 'Connection terminated unexpectedly', at: 42 },
      { type: 'wakeup.reconnected', userId: null, at: 42 },
    ]);
  });
});
