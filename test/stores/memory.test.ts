import { MemoryStore } from '../../src/stores/memory.js';
import { runStoreConformanceSuite } from '../support/store-suite.js';

runStoreConformanceSuite('MemoryStore', async () => ({ store: new MemoryStore({ warn: () => {} }) }));
