import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipBucket } from '../../src/policy/ip-bucket.js';
import { rateLimitKeys } from '../../src/policy/rate-limit-keys.js';

describe('ipBucket', () => {
  // Attack: evading per-IP limits (phone sends, HTTP Basic failures, device activations) by
  // rotating through the 2^64 addresses of the IPv6 /64 that one subscriber holds.
  it('counts every address of an IPv6 /64 as one, whatever its spelling', () => {
    const bucket = '2001:db8:85a3:1::/64';
    for (const ip of ['2001:db8:85a3:1::1', '2001:0db8:85a3:0001:ffff:ffff:ffff:fffe', '2001:DB8:85A3:1:0:0:0:7', '2001:db8:85a3:1::1%eth0', '2001:db8:85a3:1:a:b:192.0.2.1']) {
      assert.equal(ipBucket(ip), bucket, ip);
    }
    assert.notEqual(ipBucket('2001:db8:85a3:2::1'), bucket, 'the next /64 is another subscriber');
    assert.equal(ipBucket('::1'), '0:0:0:0::/64');
    assert.equal(ipBucket('fe80::1'), 'fe80:0:0:0::/64');
  });

  it('keeps IPv4 addresses whole, also when a dual-stack server reports them IPv4-mapped', () => {
    assert.equal(ipBucket('203.0.113.9'), '203.0.113.9');
    assert.equal(ipBucket('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(ipBucket('::FFFF:cb00:7109'), '203.0.113.9');
    assert.notEqual(ipBucket('203.0.113.10'), ipBucket('203.0.113.9'));
  });

  it('passes anything that is not an address through, and names a missing one', () => {
    assert.equal(ipBucket(undefined), 'unknown');
    assert.equal(ipBucket(''), 'unknown');
    assert.equal(ipBucket('not-an-ip'), 'not-an-ip');
  });

  it('is what every per-IP counter keys on', () => {
    for (const key of [rateLimitKeys.phoneSendByIp, rateLimitKeys.basicFailureByIp, rateLimitKeys.pushActivationByIp]) {
      assert.equal(key('2001:db8::1'), key('2001:db8::ffff:2'));
      assert.notEqual(key('2001:db8::1'), key('2001:db8:0:1::1'));
    }
  });
});
