import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { storeConformance } from 'passport-mfa/testing';

storeConformance('MemoryStore', () => new MemoryStore({ warn: () => {} }));
