import { nextSetupStep } from '../support/setup-wizard.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import jsQRModule from 'jsqr';
import type { AuthenticatorAccount } from '../../src/authenticator/account-store.js';
import type { AuthenticatorClient } from '../../src/authenticator/client.js';
import { startPushHarness } from '../support/push.js';

// jsqr is CommonJS with a default export: under NodeNext the callable is on `.default` in the types only.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;
import type { PushHarness } from '../support/push.js';

describe('push notifications, end to end (browser over HTTP + the authenticator client library)', () => {
  let h: PushHarness;
  let enrolled: { phone: AuthenticatorClient; account: AuthenticatorAccount };
  before(async () => {
    h = await startPushHarness();
  });
  after(async () => h.stop());

  it('sets up Notification: QR + Code + URL, activation, Contact me, approve → Verify → done', async () => {
    const a = h.browser();
    await h.login(a);
    const setup = await a.get('/mfa/setup');
    assert.match(setup.text, /value="notification"(?![^>]*disabled)/, 'Notification is offered');

    const { code, url, qrText } = await h.beginPushSetup(a);
    assert.match(code, /^[0-9]{4} [0-9]{4} [0-9]{4}$/, '12 digits in groups of four');
    assert.ok(url.startsWith(`${h.origin}/mfa/device/activate/`));
    const page = await a.get('/mfa/setup/push');
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.text, /<dt>Code<\/dt>/);
    assert.match(page.text, /<dt>URL<\/dt>/);

    const qr = await a.get('/mfa/setup/push/qr.png').buffer(true);
    assert.equal(qr.headers['content-type'], 'image/png');
    assert.equal(qr.headers['cache-control'], 'no-store');
    const png = PNG.sync.read(qr.body as Buffer);
    assert.equal(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data, qrText, 'the QR code holds the activation URI');

    const early = await h.post(a, '/mfa/setup/push/contact', {}, '/mfa/setup/push');
    assert.equal(early.status, 409, 'Contact me before activation explains what to do');
    assert.match(early.text, /not activated yet/);

    const phone = h.phone();
    const account = await phone.activate(qrText, 'Test phone');
    enrolled = { phone, account };
    assert.equal(account.issuer, 'Contoso');
    assert.equal(account.accountName, 'alice');
    assert.match((await a.get('/mfa/setup/push')).text, /The app is activated on Test phone/);

    const contact = await h.post(a, '/mfa/setup/push/contact', {}, '/mfa/setup/push');
    assert.equal(contact.headers.location, '/mfa/setup/push/wait');
    const number = await h.shownNumber(a, '/mfa/setup/push/wait');
    const [challenge] = await phone.waitForChallenges(account, 0);
    assert.ok(challenge);
    assert.equal(challenge.context.ip, '127.0.0.1');
    assert.equal('number' in challenge, false, 'the device never learns the number');
    assert.equal(await phone.answer(account, challenge.id, 'approve', { number }), 'approved');

    const done = await h.post(a, '/mfa/setup/push/wait', { method: 'push' }, '/mfa/setup/push/wait');
    assert.equal(done.headers.location, `/mfa${nextSetupStep('/setup/push')}`);
    assert.match((await a.get('/')).text, /Signed in as alice/);
    assert.ok(h.events.some((e) => e.type === 'factor.enrolled'));
  });

  it('signs in with Contact me → number → approve, learning the answer over SSE', { timeout: 10_000 }, async () => {
    const { phone, account } = enrolled;
    h.clock.advance(60_000);
    const b = await h.signInToVerify();
    const verify = await b.get('/mfa/verify');
    assert.match(verify.text, />Contact me</);
    const sent = await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
    assert.equal(sent.headers.location, '/mfa/verify/push');
    const waiting = await b.get('/mfa/verify/push');
    assert.match(waiting.text, /<script src="\/mfa\/assets\/push-wait\.js" defer><\/script>/);
    assert.match(waiting.text, />I approved it</);
    const number = await h.shownNumber(b, '/mfa/verify/push');

    // The browser's event stream is open before the phone answers; the answer wakes it.
    const events = await h.openEvents(b);
    assert.equal(events.contentType, 'text/event-stream; charset=utf-8');
    assert.equal(events.cacheControl, 'no-store');
    const [challenge] = await phone.waitForChallenges(account, 25);
    assert.equal(await phone.answer(account, challenge!.id, 'approve', { number }), 'approved');
    assert.match(await events.text, /event: result\ndata: \{"status":"approved"\}/);

    const done = await h.post(b, '/mfa/verify/push', { method: 'push' }, '/mfa/verify/push');
    assert.equal(done.status, 303);
    assert.equal(done.headers.location, '/');
    assert.match((await b.get('/')).text, /Signed in as alice/);
  });

  it("accepts the app's offline one-time code on the verify page", async () => {
    h.clock.advance(60_000);
    const b = await h.signInToVerify();
    const [first] = await enrolled.phone.codes();
    const code = first!.code;
    const res = await h.submitCode(b, '/mfa/verify', code);
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/');
  });
});
