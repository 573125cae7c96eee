import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';
import { addPhone, US_NUMBER } from '../support/phone.js';

describe('example app: Phone outbox (development aid)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.stop());

  it('is the default transport and lists to, kind, message and time, newest first', async () => {
    const empty = await h.agent().get('/outbox');
    assert.equal(empty.status, 200);
    assert.match(empty.text, /<title>Phone outbox · Contoso<\/title>/);
    assert.match(empty.text, /Nothing sent yet/);

    const { agent } = await h.enrolledUser();
    await addPhone(agent, h.latestCode);
    const page = await h.agent().get('/outbox');
    assert.ok(page.text.includes(`<span class="mfa-outbox-to">${US_NUMBER.e164}</span><span class="mfa-outbox-kind">SMS</span>`));
    assert.match(page.text, /[0-9]{6} is your Contoso verification code/);
    assert.match(page.text, /2026-01-01 12:[0-9]{2}:[0-9]{2} UTC/);
  });
});
