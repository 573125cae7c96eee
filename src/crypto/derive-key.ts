import { hkdfSync } from 'node:crypto';
import { decodeKey } from './secret-box.js';
import type { SealingKey } from './secret-box.js';

/**
 * A 32-byte subkey of one sealing key for one purpose, via HKDF-SHA-256 with info
 * `passport-mfa/<purpose>`, so the host configures one secret and each use gets an independent key.
 */
export function deriveSubkey(key: SealingKey, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', decodeKey(key.id, key.key), Buffer.alloc(0), `passport-mfa/${purpose}`, 32));
}
