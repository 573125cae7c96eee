import { hkdfSync } from 'node:crypto';
import { decodeKey } from './secret-box.js';
import type { SealingKey } from './secret-box.js';

/**
 * A 32-byte subkey of the current (first) sealing key for one purpose, via HKDF-SHA-256, so
 * the host configures one secret and each use gets an independent key. Values keyed with it
 * do not survive a key rotation, so use it only for short-lived things (phone codes live ≤ 10 min).
 */
export function deriveSubkey(keys: readonly SealingKey[], purpose: string): Buffer {
  const current = keys[0]!;
  return Buffer.from(hkdfSync('sha256', decodeKey(current.id, current.key), Buffer.alloc(0), `passport-mfa/${purpose}`, 32));
}
