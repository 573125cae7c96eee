import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PUSH_HOSTS, endpointHostAllowed, parseAllowedHosts } from '../../src/push/push-host-allow-list.js';

const allowed = (endpoint: string, hosts: readonly string[] = DEFAULT_PUSH_HOSTS) => endpointHostAllowed(endpoint, hosts);

describe('push endpoint host allow-list', () => {
  it('matches exact entries only exactly, ignoring case, port and path', () => {
    assert.equal(allowed('https://fcm.googleapis.com/fcm/send/abc'), true);
    assert.equal(allowed('https://FCM.GoogleAPIs.com/fcm/send/abc'), true, 'host names are case-insensitive');
    assert.equal(allowed('https://fcm.googleapis.com:8443/x'), true, 'the port is not part of the host');
    assert.equal(allowed('https://web.push.apple.com/x', parseAllowedHosts(['WEB.Push.Apple.com']) as string[]), true, 'entries too');
    // Attack: SSRF through a host that merely contains, extends or prefixes an allowed name.
    for (const endpoint of [
      'https://evilfcm.googleapis.com/x',
      'https://evilfcm.googleapis.com.attacker/x',
      'https://fcm.googleapis.com.attacker.example/x',
      'https://sub.fcm.googleapis.com/x',
      'https://googleapis.com/x',
      'https://fcm.googleapis.com./x',
      'https://fcm.googleapis.com@internal.example/x',
    ]) assert.equal(allowed(endpoint), false, endpoint);
  });

  it('matches "*.domain" entries on whole labels below the domain, not the domain itself', () => {
    assert.equal(allowed('https://wns2-par02p.notify.windows.com/w/?token=abc'), true);
    assert.equal(allowed('https://a.b.NOTIFY.windows.com/w'), true);
    // Attack: SSRF through look-alike hosts that a naive suffix or substring check would accept.
    for (const endpoint of [
      'https://notify.windows.com/w',
      'https://evilnotify.windows.com/w',
      'https://notify.windows.com.evil/w',
      'https://x.notify.windows.com.evil/w',
      'https://x.notify.windows.co/w',
    ]) assert.equal(allowed(endpoint), false, endpoint);
  });

  it('never matches IP literals or local names unless listed exactly', () => {
    // Attack: SSRF to cloud metadata, loopback and private addresses, in any spelling.
    for (const endpoint of [
      'https://169.254.169.254/latest/meta-data/',
      'https://127.0.0.1/x',
      'https://2130706433/x',
      'https://0x7f.0.0.1/x',
      'https://[::1]/x',
      'https://localhost/x',
      'https://internal.example/x',
      'not a url',
    ]) assert.equal(allowed(endpoint), false, endpoint);
    const listed = parseAllowedHosts(['127.0.0.1', '[::1]']) as string[];
    assert.equal(allowed('https://127.0.0.1:9443/push', listed), true);
    assert.equal(allowed('https://2130706433/push', listed), true, 'the same address in another spelling is the same host');
    assert.equal(allowed('https://[0:0::1]/push', listed), true);
    assert.equal(allowed('https://127.0.0.2/push', listed), false);
  });

  it('normalises entries and reports the first one that is not a host', () => {
    assert.deepEqual(parseAllowedHosts(['Push.Example.COM', '*.Notify.Windows.com']), ['push.example.com', '*.notify.windows.com']);
    assert.match(parseAllowedHosts(['ok.example', 'http://x.example']) as string, /^"http:\/\/x\.example" is not a host name/);
    assert.match(parseAllowedHosts([]) as string, /non-empty array/);
  });
});
