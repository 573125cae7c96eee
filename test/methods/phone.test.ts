import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import { PhoneSendLimitError, PhoneTransportError } from '../../src/errors.js';
import { PhoneMethod } from '../../src/methods/phone/phone-method.js';
import type { PhoneSettings } from '../../src/methods/phone/phone-method.js';
import { DEFAULTS } from '../../src/options.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import type { PhoneCodeRecord } from '../../src/stores/facets/phone-codes.js';
import { FakeClock } from '../support/fake-clock.js';
import { SwitchableTransport, US_NUMBER } from '../support/phone.js';

/** A random source that returns these 32-bit draws, in order. */
function digitsFrom(draws: number[]): (size: number) => Buffer {
  return () => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(draws.shift()!);
    return b;
  };
}

const SETTINGS: PhoneSettings = { ...DEFAULTS.phone, sendsPerIpPerHour: 10 };
const SIGNIN = { userId: 'alice', ip: '192.0.2.1', purpose: 'signin', to: US_NUMBER.e164, channel: 'sms' } as const;

describe('PhoneMethod', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let transport: SwitchableTransport;
  let stored: PhoneCodeRecord[];
  let phone: PhoneMethod;

  const make = (settings: Partial<PhoneSettings> = {}, random?: (size: number) => Buffer) => {
    phone = new PhoneMethod({
      store, transport, hmacKey: Buffer.alloc(32, 7), issuer: 'Contoso', settings: { ...SETTINGS, ...settings }, clock: clock.now,
      random: random ?? randomBytes,
    });
  };

  beforeEach(() => {
    clock = new FakeClock();
    store = new MemoryStore({ warn: () => {} });
    stored = [];
    const put = store.phoneCodes.put.bind(store.phoneCodes);
    store.phoneCodes.put = async (record) => {
      stored.push(record);
      await put(record);
    };
    transport = new SwitchableTransport();
    make();
  });

  it('draws each digit from the random source, skipping biased draws', async () => {
    make({}, digitsFrom([0xffffffff, 1, 2, 3, 4, 5, 6]));
    await phone.send(SIGNIN);
    assert.equal(transport.latestCode(), '123456', 'the draw ≥ 4294967290 was thrown away');
  });

  it('sends the SMS with the code first and its lifetime; a call reads the digits one by one', async () => {
    await phone.send(SIGNIN);
    const sms = transport.outbox.entries()[0]!;
    assert.equal(sms.kind, 'sms');
    assert.equal(sms.to, US_NUMBER.e164);
    assert.match(sms.body, /^[0-9]{6} is your Contoso verification code\. It expires in 5 minutes\./);
    await phone.send({ ...SIGNIN, channel: 'voice' });
    const call = transport.outbox.entries()[0]!;
    assert.equal(call.kind, 'voice');
    assert.match(call.body, /^Your Contoso verification code is: [0-9](, [0-9]){5}\. Again, your code is: [0-9](, [0-9]){5}\.$/);
  });

  // Attack: reading codes out of a stolen database backup.
  it('stores only a keyed hash of the code, never the code', async () => {
    await phone.send(SIGNIN);
    const code = transport.latestCode();
    assert.equal(stored.length, 1);
    assert.ok(!JSON.stringify(stored[0]).includes(code));
    assert.equal(stored[0]!.expiresAt - stored[0]!.createdAt, 300_000);
  });

  // Attack: replaying a code that was already used.
  it('accepts a code once', async () => {
    await phone.send(SIGNIN);
    const code = transport.latestCode();
    assert.equal(await phone.check('alice', 'signin', US_NUMBER.e164, code), true);
    assert.equal(await phone.check('alice', 'signin', US_NUMBER.e164, code), false);
  });

  // Attack: racing many submissions of one intercepted code.
  it('of 30 parallel checks of the right code, exactly one succeeds', async () => {
    await phone.send(SIGNIN);
    const code = transport.latestCode();
    const results = await Promise.all(Array.from({ length: 30 }, () => phone.check('alice', 'signin', US_NUMBER.e164, code)));
    assert.equal(results.filter(Boolean).length, 1);
  });

  // Attack: using an old code long after it was sent (e.g. read from a lost phone's notifications).
  it('refuses a code once its lifetime is over', async () => {
    await phone.send(SIGNIN);
    const code = transport.latestCode();
    clock.advance(300_000);
    assert.equal(await phone.check('alice', 'signin', US_NUMBER.e164, code), false);
  });

  // Attack: using a code sent for one purpose, user or number for another.
  it('binds a code to its user, purpose and number', async () => {
    await phone.send(SIGNIN);
    const code = transport.latestCode();
    assert.equal(await phone.check('bob', 'signin', US_NUMBER.e164, code), false);
    assert.equal(await phone.check('alice', 'enroll', US_NUMBER.e164, code), false);
    assert.equal(await phone.check('alice', 'signin', '+12015550124', code), false);
    assert.equal(await phone.check('alice', 'signin', US_NUMBER.e164, code), true);
  });

  it('a resend invalidates the previous code', async () => {
    make({}, digitsFrom([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]));
    await phone.send(SIGNIN);
    await phone.send(SIGNIN);
    assert.equal(transport.latestCode(), '222222');
    assert.equal(await phone.check('alice', 'signin', US_NUMBER.e164, '111111'), false);
    assert.equal(await phone.check('alice', 'signin', US_NUMBER.e164, '222222'), true);
  });

  // Attack: SMS toll fraud / SMS bombing of one account.
  it('limits sends per user per hour, counting failed sends too', async () => {
    make({ sendsPerUserPerHour: 3 });
    await phone.send(SIGNIN);
    transport.failing = true;
    await assert.rejects(phone.send(SIGNIN), PhoneTransportError);
    transport.failing = false;
    await phone.send({ ...SIGNIN, ip: '198.51.100.7' });
    await assert.rejects(phone.send({ ...SIGNIN, ip: '203.0.113.9' }), (e: unknown) => e instanceof PhoneSendLimitError && e.scope === 'user');
    await phone.send({ ...SIGNIN, userId: 'bob' });
    clock.advance(3_600_000);
    await phone.send(SIGNIN);
  });

  // Attack: SMS toll fraud from one network cycling through many accounts.
  it('limits sends per client IP per hour', async () => {
    make({ sendsPerIpPerHour: 2 });
    await phone.send({ ...SIGNIN, userId: 'u1' });
    await phone.send({ ...SIGNIN, userId: 'u2' });
    await assert.rejects(phone.send({ ...SIGNIN, userId: 'u3' }), (e: unknown) => e instanceof PhoneSendLimitError && e.scope === 'ip');
    await phone.send({ ...SIGNIN, userId: 'u3', ip: '198.51.100.7' });
    assert.equal(transport.calls, 3, 'the refused send never reached the transport');
  });

  // Attack: SMS toll fraud from one IPv6 subscriber rotating through the addresses of its /64.
  it('counts a whole IPv6 /64 as one client IP', async () => {
    make({ sendsPerIpPerHour: 2 });
    await phone.send({ ...SIGNIN, userId: 'u1', ip: '2001:db8:1:2::1' });
    await phone.send({ ...SIGNIN, userId: 'u2', ip: '2001:db8:1:2::2' });
    await assert.rejects(phone.send({ ...SIGNIN, userId: 'u3', ip: '2001:db8:1:2:abcd:ef01:2345:6789' }), (e: unknown) => e instanceof PhoneSendLimitError && e.scope === 'ip');
    await phone.send({ ...SIGNIN, userId: 'u3', ip: '2001:db8:1:3::1' });
    assert.equal(transport.calls, 3);
  });

  it('stores nothing when the transport fails, so the previous code stays valid', async () => {
    await phone.send(SIGNIN);
    const code = transport.latestCode();
    transport.failing = true;
    await assert.rejects(phone.send(SIGNIN), (e: unknown) => e instanceof PhoneTransportError && e.status === 503);
    assert.equal(stored.length, 1);
    assert.equal(await phone.check('alice', 'signin', US_NUMBER.e164, code), true);
  });

  it('sends codes of the configured length', async () => {
    make({ codeDigits: 8 });
    await phone.send(SIGNIN);
    assert.match(transport.latestCode(), /^[0-9]{8}$/);
  });
});
