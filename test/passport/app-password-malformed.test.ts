import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseBasicAuth } from '../../src/passport/basic-auth.js';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

// Attack: crafted Authorization headers aimed at parser bugs (crash → 500, confusion → bypass).
const MALFORMED: Array<[string, string]> = [
  ['no scheme', b64('alice:secret')],
  ['another scheme', `Bearer ${b64('alice:secret')}`],
  ['scheme only', 'Basic'],
  ['scheme and space', 'Basic '],
  ['bad base64 characters', 'Basic !!!!'],
  ['base64 with a bad length', 'Basic YWxpY2U6c2VjcmV0a'],
  ['non-canonical base64 (stray bits)', 'Basic YR=='],
  ['no colon', `Basic ${b64('alicesecret')}`],
  ['empty username', `Basic ${b64(':secret')}`],
  ['empty password', `Basic ${b64('alice:')}`],
  ['a control character in the username', `Basic ${b64('ali\u0000ce:secret')}`],
  ['invalid UTF-8', `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`],
  ['a huge header', `Basic ${b64(`alice:${'x'.repeat(8000)}`)}`],
  ['two credentials', `Basic ${b64('alice:a')} ${b64('alice:b')}`],
];

describe('parseBasicAuth', () => {
  for (const [label, header] of MALFORMED) {
    it(`calls ${label} malformed`, () => {
      assert.deepEqual(parseBasicAuth(header), { ok: false, reason: 'malformed' });
    });
  }

  it('calls an absent header missing', () => {
    assert.deepEqual(parseBasicAuth(undefined), { ok: false, reason: 'missing' });
  });

  it('splits at the first colon, keeps Unicode, and accepts any case of the scheme', () => {
    assert.deepEqual(parseBasicAuth(`bASIC ${b64('Zoë 山田:pa:ss wörd')}`), {
      ok: true,
      credentials: { username: 'Zoë 山田', password: 'pa:ss wörd' },
    });
  });
});

describe('malformed Authorization headers over HTTP', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ appPasswords: { rateLimit: { perIp: 1000 } } });
  });
  after(async () => h.stop());

  for (const [label, header] of [...MALFORMED, ['a Unicode username and password', `Basic ${b64('Zoë 山田:pässwörd')}`] as [string, string]]) {
    it(`answers ${label} with 401 and the Basic challenge, never 500`, async () => {
      const res = await h.agent().get('/api/mail').set('Authorization', header);
      assert.equal(res.status, 401);
      assert.equal(res.headers['www-authenticate'], 'Basic realm="Contoso", charset="UTF-8"');
    });
  }

  it('counts malformed attempts against the client IP', () => {
    assert.ok(h.events.filter((e) => e.type === 'app_password.failed' && e.reason === 'malformed').length >= MALFORMED.length);
  });
});
