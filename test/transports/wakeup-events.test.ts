import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MfaEvent } from '../../src/events.js';
import { createMfa } from '../../src/mfa.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { InProcessWakeup } from '../../src/transports/wakeup.js';
import type { WakeupConnectionChange } from '../../src/transports/wakeup.js';

/** A shared transport whose connection the test drops and restores. */
class SwitchableWakeup extends InProcessWakeup {
  connected = true;
  readonly #listeners = new Set<(change: WakeupConnectionChange) => void>();
  onConnectionChange(listener: (change: WakeupConnectionChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  set(change: WakeupConnectionChange): void {
    this.connected = change.connected;
    for (const listener of this.#listeners) listener(change);
  }
}

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
