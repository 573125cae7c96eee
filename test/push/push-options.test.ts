import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMfa } from '../../src/mfa.js';
import type { MfaOptions } from '../../src/options.js';
import { ConfigurationError } from '../../src/errors.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';

const base = (): MfaOptions => ({ issuer: 'Contoso', store: new MemoryStore({ warn: () => {} }), secretKey: '0f'.repeat(32) });

describe('push options', () => {
  it('validates each option and says how to fix it', () => {
    const cases: Array<[MfaOptions['push'], RegExp]> = [
      [{ pinLength: 3 }, /push\.pinLength: must be at least 4 digits/],
      [{ challengeTtlMs: 11 * 60_000 }, /push\.challengeTtlMs: must be at most 600000 ms/],
      [{ budget: { max: 0 } }, /push\.budget\.max/],
      [{ publicOrigin: 'https://app.example/' }, /push\.publicOrigin: must be an origin/],
      [{ pollIntervalMs: 100 }, /push\.pollIntervalMs: must be at least 500 ms/],
      [{ typo: true } as never, /push/],
    ];
    for (const [push, message] of cases) {
      assert.throws(() => createMfa({ ...base(), push }), (e: unknown) => e instanceof ConfigurationError && message.test(e.message), String(message));
    }
  });

  it('refuses a store without the push facet unless push is disabled', () => {
    const store = new MemoryStore({ warn: () => {} });
    const old = { core: store.core, sessionGenerations: store.sessionGenerations, rateLimits: store.rateLimits };
    assert.throws(() => createMfa({ ...base(), store: old }), /lacks the `push` facet .*set push\.enabled = false/);
    assert.doesNotThrow(() => createMfa({ ...base(), store: old, push: { enabled: false } }));
  });
});
