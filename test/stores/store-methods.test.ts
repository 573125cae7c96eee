import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStore } from '../../src/stores/memory.js';
import { missingStoreMethods, STORE_METHODS } from '../../src/stores/store-methods.js';

describe('STORE_METHODS', () => {
  const store = new MemoryStore({ warn: () => {} });
  const listed = new Set<string>(Object.values(STORE_METHODS).flat());

  // A method missing from every list would never be checked: a custom store lacking it would be
  // accepted and then fail (or skip a check) only when a feature first calls it.
  it('lists every method of the MfaStore contract under some feature', () => {
    const methods = Object.getOwnPropertyNames(MemoryStore.prototype).filter((m) => m !== 'constructor' && m !== 'close');
    assert.deepEqual(methods.filter((m) => !listed.has(m)), []);
  });

  it('names only methods a complete store has', () => {
    for (const [feature, methods] of Object.entries(STORE_METHODS)) assert.deepEqual(missingStoreMethods(store, methods), [], feature);
  });

  it('reports what an incomplete store lacks', () => {
    const old = Object.create(store, { deleteRateLimit: { value: undefined } }) as MemoryStore;
    assert.deepEqual(missingStoreMethods(old, STORE_METHODS.push), ['deleteRateLimit']);
    assert.deepEqual(missingStoreMethods(old, STORE_METHODS.phone), []);
    assert.deepEqual(missingStoreMethods(null, STORE_METHODS.core), [...STORE_METHODS.core]);
  });
});
