export { storeConformance } from './store-conformance.js';
export type { MakeStore, StoreUnderTest } from './store-per-test.js';
export { PARALLEL, T0 } from './store-per-test.js';
export { makeAppPassword, makeChallenge, makeCredential, makeDevice, makeFactor } from './records.js';
