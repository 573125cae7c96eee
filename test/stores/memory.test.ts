import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { runStoreConformanceSuite } from '../support/store-suite.js';

runStoreConformanceSuite('MemoryStore', async () => ({ store: new MemoryStore({ warn: () => {} }) }));
