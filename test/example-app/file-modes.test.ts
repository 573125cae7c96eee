import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startHarness } from '../support/harness.js';

// Attack: another local account (a shared host, a backup or log shipper running as another user)
// reading the sample app's databases: usernames, password hashes, phone numbers, sealed seeds.
describe('example app: data files', () => {
  it('creates its SQLite files (and their -wal/-shm) readable by their owner only', async () => {
    const h = await startHarness();
    try {
      await h.enrolledUser();
      const files = ['users.db', 'users.db-wal', 'users.db-shm', 'mfa.db', 'mfa.db-wal', 'mfa.db-shm'].map((f) => join(h.dataDir, f));
      for (const file of files) {
        assert.ok(existsSync(file), file);
        assert.equal(statSync(file).mode & 0o777, 0o600, file);
      }
    } finally {
      await h.stop();
    }
  });
});
