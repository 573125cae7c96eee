import type { Wakeup } from '../../src/transports/wakeup.js';

/** A wake-up channel that drops everything: what an instance sees when a wake-up is lost. */
export const lostWakeups: Wakeup = { publish() {}, subscribe: () => () => {} };
