import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shownDay, shownMinute } from '../src/format-time.js';

describe('times as pages show them without JavaScript (UTC)', () => {
  const now = Date.UTC(2026, 2, 10, 9, 30);

  it('says Today, Yesterday, or the date, with the minute', () => {
    assert.equal(shownMinute(Date.UTC(2026, 2, 10, 0, 5), now)?.text, 'Today, 00:05 UTC');
    assert.equal(shownMinute(Date.UTC(2026, 2, 9, 23, 59), now)?.text, 'Yesterday, 23:59 UTC');
    assert.equal(shownMinute(Date.UTC(2026, 2, 8, 18, 2), now)?.text, '8 Mar 2026, 18:02 UTC');
    assert.equal(shownMinute(Date.UTC(2025, 11, 31, 7, 0), now)?.text, '31 Dec 2025, 07:00 UTC');
  });

  it('keeps never as null, and gives the script the moment, its mode and the server\'s now', () => {
    assert.equal(shownMinute(null, now), null);
    assert.deepEqual(shownMinute(Date.UTC(2026, 2, 10, 9, 0), now), {
      iso: '2026-03-10T09:00:00.000Z', text: 'Today, 09:00 UTC', mode: 'minute', nowIso: '2026-03-10T09:30:00.000Z',
    });
    assert.deepEqual(shownDay(Date.UTC(2026, 0, 1, 12), now), {
      iso: '2026-01-01T12:00:00.000Z', text: '1 Jan 2026', mode: 'day', nowIso: '2026-03-10T09:30:00.000Z',
    });
  });
});
