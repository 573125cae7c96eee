import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { TwilioTransport } from '../../src/transports/twilio-transport.js';
import { startStubServer } from '../support/stub-server.js';
import type { ReceivedRequest } from '../support/stub-server.js';

const SID = 'AC' + '0123456789abcdef'.repeat(2);
const TOKEN = 'twilio-auth-token-for-tests';
const FROM = '+15005550006';

/** What Twilio's REST API requires of a create-Message or create-Call request (per its docs). */
function twilioProblem(req: ReceivedRequest): string | null {
  if (req.method !== 'POST') return 'method';
  if (req.headers.authorization !== 'Basic ' + Buffer.from(`${SID}:${TOKEN}`).toString('base64')) return 'auth';
  if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return 'content-type';
  const form = new URLSearchParams(req.body);
  if (req.url === `/2010-04-01/Accounts/${SID}/Messages.json`) return form.get('To') && form.get('From') && form.get('Body') ? null : 'Messages fields';
  if (req.url === `/2010-04-01/Accounts/${SID}/Calls.json`) return form.get('To') && form.get('From') && form.get('Twiml') ? null : 'Calls fields';
  return 'path';
}

describe('TwilioTransport against a local Twilio stub', () => {
  let stub: Awaited<ReturnType<typeof startStubServer>>;
  before(async () => {
    stub = await startStubServer((req, res) => {
      const problem = twilioProblem(req);
      if (problem === 'auth') {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }));
      } else if (problem) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 21604, message: problem, status: 400 }));
      } else {
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: 'SM123', status: 'queued' }));
      }
    });
  });
  after(async () => stub.close());
  beforeEach(() => {
    stub.received.length = 0;
  });

  const twilio = (authToken = TOKEN) => new TwilioTransport({ accountSid: SID, authToken, from: FROM, baseUrl: stub.url });

  it('creates a Message with To, From and Body', async () => {
    await twilio().sendSms({ to: '+12015550123', body: '123456 is your Contoso verification code.' });
    const form = new URLSearchParams(stub.received[0]!.body);
    assert.equal(stub.received[0]!.url, `/2010-04-01/Accounts/${SID}/Messages.json`);
    assert.deepEqual(Object.fromEntries(form), { To: '+12015550123', From: FROM, Body: '123456 is your Contoso verification code.' });
  });

  // Attack: TwiML injection through text placed in the call script.
  it('creates a Call whose TwiML says the text, XML-escaped', async () => {
    await twilio().makeCall({ to: '+12015550123', say: 'Code: 1, 2. <Dial>+1900</Dial> & more' });
    const form = new URLSearchParams(stub.received[0]!.body);
    assert.equal(stub.received[0]!.url, `/2010-04-01/Accounts/${SID}/Calls.json`);
    assert.equal(form.get('Twiml'), '<Response><Say>Code: 1, 2. &lt;Dial&gt;+1900&lt;/Dial&gt; &amp; more</Say></Response>');
    assert.equal(form.get('To'), '+12015550123');
    assert.equal(form.get('From'), FROM);
  });

  it('rejects with Twilio’s error code when Twilio refuses (e.g. wrong credentials)', async () => {
    await assert.rejects(twilio('wrong-token').sendSms({ to: '+12015550123', body: 'x' }), /HTTP 401: Twilio error 20003 Authenticate/);
    assert.equal(stub.received.length, 1, 'no retry: a second SMS would cost money');
  });

  it('requires its credentials', () => {
    assert.throws(() => new TwilioTransport({ accountSid: SID, authToken: '', from: FROM }), /authToken/);
  });
});
