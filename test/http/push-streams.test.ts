import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import type { AuthenticatorClient } from '../../src/authenticator/client.js';
import { challengeTopic } from '../../src/push/wakeup.js';
import { InProcessWakeup } from '../../src/transports/wakeup.js';
import { startPushHarness } from '../support/push.js';
import type { PushHarness } from '../support/push.js';
import type { Agent } from '../support/harness.js';
import { cookieHeaderOf } from '../support/session-cookie.js';

describe('capability result stream (mfa.streams, no session)', () => {
  let h: PushHarness;
  let phone: AuthenticatorClient;
  let account: AuthenticatorAccount;
  let wakeup: InProcessWakeup;

  beforeEach(async () => {
    wakeup = new InProcessWakeup();
    h = await startPushHarness({ mfaOptions: { wakeup } });
    ({ phone, account } = await h.enrolledPushUser());
    h.clock.advance(60_000);
  });
  afterEach(async () => h.stop());

  async function contactMe(): Promise<{ b: Agent; number: string; challengeId: string; stream: string }> {
    const b = await h.signInToVerify();
    await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
    const number = await h.shownNumber(b, '/mfa/verify/push');
    const [challenge] = await phone.waitForChallenges(account, 0);
    return { b, number, challengeId: challenge!.id, stream: await h.streamPath(b) };
  }

  const complete = (b: Agent) => h.post(b, '/mfa/verify/push', { method: 'push' }, '/mfa/verify/push');

  it('the waiting page links its script to a capability stream and keeps the session stream as fallback', async () => {
    const { b, stream } = await contactMe();
    assert.match(stream, /^\/mfa\/push-events\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    assert.match((await b.get('/mfa/verify/push')).text, /data-events="\/mfa\/verify\/push\/events"/);
  });

  it('delivers an approval without any cookie, and the session then completes the sign-in', { timeout: 10_000 }, async () => {
    const { b, number, challengeId, stream } = await contactMe();
    const events = await h.openStream(stream);
    assert.equal(events.status, 200);
    assert.equal(events.contentType, 'text/event-stream; charset=utf-8');
    assert.equal(events.cacheControl, 'no-store');
    await phone.answer(account, challengeId, 'approve', { number });
    assert.equal(await events.text, ': waiting\n\nevent: result\ndata: {"status":"approved"}\n\n', 'the status and nothing else');
    assert.equal((await complete(b)).headers.location, '/');
  });

  it('delivers a denial', { timeout: 10_000 }, async () => {
    const { challengeId, stream } = await contactMe();
    const events = await h.openStream(stream);
    await phone.answer(account, challengeId, 'deny');
    assert.match(await events.text, /data: \{"status":"denied"\}/);
  });

  it('ends with "expired" when the challenge expires (shared ticker), and the token then opens nothing', { timeout: 10_000 }, async () => {
    const { stream } = await contactMe();
    const events = await h.openStream(stream);
    h.clock.advance(120_000);
    assert.match(await events.text, /data: \{"status":"expired"\}/);
    const late = await h.openStream(stream);
    assert.equal(late.status, 404);
  });

  it('many tabs on one challenge share one wake-up subscription, released when the stream ends', { timeout: 10_000 }, async () => {
    const { number, challengeId, stream } = await contactMe();
    const tabs = [await h.openStream(stream), await h.openStream(stream), await h.openStream(stream)];
    assert.equal(wakeup.listenerCount(challengeTopic(challengeId)), 1);
    await phone.answer(account, challengeId, 'approve', { number });
    for (const tab of tabs) assert.match(await tab.text, /"approved"/);
    assert.equal(wakeup.listenerCount(challengeTopic(challengeId)), 0);
  });

  it('also works in front of Express on the Node server, passing every other request on', { timeout: 10_000 }, async () => {
    const front = http.createServer((req, res) => h.mfa.streams(req, res, () => h.app(req, res)));
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
      assert.match(await (await fetch(`${origin}/login`)).text(), /<form/, 'the app still answers');
      const { number, challengeId, stream } = await contactMe();
      const events = await fetch(origin + stream);
      await phone.answer(account, challengeId, 'approve', { number });
      assert.match(await events.text(), /"approved"/);
    } finally {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
    }
  });

  // Attack: probing or forging stream URLs to learn about other people's sign-ins.
  it('forged, tampered, other-challenge and malformed tokens all get the same bare 404', async () => {
    const first = await contactMe();
    h.clock.advance(10 * 60_000);
    const second = await contactMe();
    const token = (path: string) => path.split('/').pop()!;
    const [payloadA] = token(first.stream).split('.');
    const [, macB] = token(second.stream).split('.');
    const bad = [`${payloadA}.${macB}`, `${token(second.stream)}x`, 'x.y', '', `${token(second.stream)}.extra`];
    const answers = await Promise.all(bad.map((t) => fetch(`${h.origin}/mfa/push-events/${t}`)));
    for (const res of answers) {
      assert.equal(res.status, 404);
      assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.equal(await res.text(), 'Not Found');
    }
  });

  // Attack: a leaked stream URL (logs, shoulder surfing) used to complete a sign-in elsewhere.
  it('a leaked token shows the outcome but cannot complete a sign-in from another session', { timeout: 10_000 }, async () => {
    const { b, number, challengeId, stream } = await contactMe();
    const attacker = await h.signInToVerify();
    const watched = await h.openStream(stream, cookieHeaderOf(attacker));
    await phone.answer(account, challengeId, 'approve', { number });
    assert.match(await watched.text, /"approved"/);
    const stolen = await h.post(attacker, '/mfa/verify/push', { method: 'push' }, '/mfa/verify');
    assert.notEqual(stolen.headers.location, '/');
    assert.equal((await attacker.get('/').redirects(0)).status, 303, 'the attacker is still not signed in');
    assert.equal((await complete(b)).headers.location, '/', 'the victim\'s own session completes');
  });
});
