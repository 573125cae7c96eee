import { InProcessWakeup } from '../../src/transports/wakeup.js';
import type { WakeupConnectionChange } from '../../src/transports/wakeup.js';

/** A shared transport whose connection the test drops and restores. */
export class SwitchableWakeup extends InProcessWakeup {
  connected = true;
  readonly #listeners = new Set<(change: WakeupConnectionChange) => void>();
  onConnectionChange(listener: (change: WakeupConnectionChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  set(change: WakeupConnectionChange): void {
    this.connected = change.connected;
    for (const listener of this.#listeners) listener(change);
    // As every shared transport does (the Wakeup contract): each change wakes every subscriber once.
    this.wakeAll();
  }
}
