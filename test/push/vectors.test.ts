import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { before, describe, it } from 'node:test';
import { MemoryAccountStore } from '../../src/authenticator/account-store.js';
import { AuthenticatorClient } from '../../src/authenticator/client.js';
import { canonicalJson } from '../../src/push/canonical-json.js';
import { parseEnrollmentUri } from '../../src/push/enrollment-uri.js';
import { requestSigningInput } from '../../src/push/request-signing-input.js';
import { parsePublicJwk, verifySignature } from '../../src/push/signature.js';
import { assertConforms } from '../support/published-schemas.js';
import { importVectorKey, loadVectors, vectorNamed } from '../support/vectors.js';
import type { RequestVector } from '../support/vectors.js';

// A CommonJS module whose typings claim a default export; required as what it is.
const canonicalize = createRequire(import.meta.url)('canonicalize') as (value: unknown) => string;

const v = loadVectors();
const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');
const { d: _d, ...devicePublicJwk } = v.keys.device;
const publicKey = parsePublicJwk(devicePublicJwk)!;

/** WebCrypto's verdict on a vector signature (base64url), independent of the server's node:crypto check. */
async function webCryptoVerifies(key: CryptoKey, text: string, signature: string): Promise<boolean> {
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, Buffer.from(signature, 'base64url'), new TextEncoder().encode(text));
}

describe('test vectors (docs/push-protocol/vectors.json): canonical JSON and signatures', () => {
  let keys: CryptoKeyPair;
  before(async () => {
    keys = await importVectorKey(v.keys.device);
  });

  it('canonical JSON cases give exactly the bytes listed, in our implementation and in the independent `canonicalize`', () => {
    assert.ok(v.canonicalJson.valid.length >= 5);
    for (const c of v.canonicalJson.valid) {
      const value: unknown = JSON.parse(c.json);
      assert.equal(canonicalJson(value), c.canonical, c.name);
      assert.equal(canonicalize(value), c.canonical, `canonicalize: ${c.name}`);
      assert.equal(hex(c.canonical), c.canonicalHex, `UTF-8 bytes: ${c.name}`);
    }
  });

  it('refuses the input the vectors list as having no canonical form', () => {
    for (const c of v.canonicalJson.invalid) assert.throws(() => canonicalJson(JSON.parse(c.json)), TypeError, c.name);
  });

  it('each envelope\'s canonical bytes are the signing input listed, which the listed signature signs', async () => {
    for (const r of [...v.requests, ...v.invalid]) {
      const e = r.envelope as { v?: number; method: string; path: string; deviceId: string | null; timestamp: number; nonce: string; body: unknown };
      assertConforms('signed-request-envelope', e, r.name);
      assert.equal(canonicalJson(e), r.signingInput, r.name);
      assert.equal(canonicalize(e), r.signingInput, `canonicalize: ${r.name}`);
      assert.equal(requestSigningInput({ ...e, v: e.v ?? null }), r.signingInput, `built from the envelope's parts: ${r.name}`);
      assert.equal(hex(r.signingInput), r.signingInputHex, r.name);
      assert.deepEqual(r.request.body === null ? null : JSON.parse(r.request.body), e.body, `the body sent is the body signed: ${r.name}`);
      assert.equal(r.request.headers['X-MFA-Nonce'], e.nonce);
      assert.equal(r.request.headers['X-MFA-Timestamp'], String(e.timestamp));
      assert.equal(r.request.headers['X-MFA-Version'], e.v === undefined ? undefined : String(e.v));
      if (r.answer) {
        assert.equal(canonicalJson(r.answer.object), r.answer.signingInput, r.name);
        assert.equal(hex(r.answer.signingInput), r.answer.signingInputHex, r.name);
        assert.deepEqual((e.body as { answer: unknown }).answer, r.answer.object, r.name);
      }
    }
    for (const r of v.requests) {
      const signature = r.request.headers['X-MFA-Signature']!;
      assert.equal(verifySignature(publicKey, r.signingInput, signature), true, `server check: ${r.name}`);
      assert.equal(await webCryptoVerifies(keys.publicKey, r.signingInput, signature), true, `WebCrypto: ${r.name}`);
      if (r.answer) assert.equal(verifySignature(publicKey, r.answer.signingInput, r.answer.signature), true, `answer: ${r.name}`);
    }
  });

  // Attack: a signature by another key, in another encoding, or on a stale request must not pass the signature check.
  it('the invalid examples fail exactly where the vectors say', async () => {
    const other = await importVectorKey(v.keys.other);
    const wrongKey = vectorNamed(v, 'request signed with another key');
    assert.equal(verifySignature(publicKey, wrongKey.signingInput, wrongKey.request.headers['X-MFA-Signature']), false);
    assert.equal(await webCryptoVerifies(other.publicKey, wrongKey.signingInput, wrongKey.request.headers['X-MFA-Signature']!), true, 'it is a real signature, by the other key');
    const der = vectorNamed(v, 'request signature in DER (ASN.1) instead of IEEE P1363');
    assert.equal(Buffer.from(der.request.headers['X-MFA-Signature']!, 'base64url')[0], 0x30, 'an ASN.1 SEQUENCE');
    assert.equal(verifySignature(publicKey, der.signingInput, der.request.headers['X-MFA-Signature']), false);
    const stale = vectorNamed(v, 'request timestamp 61 s before the server clock');
    assert.equal(verifySignature(publicKey, stale.signingInput, stale.request.headers['X-MFA-Signature']), true, 'validly signed: only its time is wrong');
    assert.equal(v.server.now - (stale.envelope.timestamp as number), 61_000);
    const derAnswer = vectorNamed(v, 'answer signature in DER instead of IEEE P1363');
    assert.equal(verifySignature(publicKey, derAnswer.answer!.signingInput, derAnswer.answer!.signature), false);
    const otherAnswer = vectorNamed(v, 'answer signed with another key (in a request signed by the device)');
    assert.equal(verifySignature(publicKey, otherAnswer.answer!.signingInput, otherAnswer.answer!.signature), false);
    assert.equal(verifySignature(publicKey, otherAnswer.signingInput, otherAnswer.request.headers['X-MFA-Signature']), true, 'the envelope itself is fine');
  });
});

describe('test vectors: the client library sends exactly the vector requests', () => {
  /** What the client sent, answered with the vector's response. */
  const sent: Array<{ url: string; init: RequestInit & { headers: Record<string, string> } }> = [];
  let now = 0;
  let nonces: string[] = [];
  let client: AuthenticatorClient;
  let keys: CryptoKeyPair;

  before(async () => {
    keys = await importVectorKey(v.keys.device);
    // The device's "new" key pair is the vector key, and its nonces are the vectors' nonces.
    const vectorCrypto = {
      subtle: new Proxy(crypto.subtle, {
        get: (target, name) => (name === 'generateKey' ? async () => keys : Reflect.get(target, name, target).bind(target)),
      }),
      getRandomValues: <T extends ArrayBufferView | null>(array: T): T => {
        (array as unknown as Uint8Array).set(Buffer.from(nonces.shift()!, 'base64url'));
        return array;
      },
    } as unknown as Crypto;
    const respond = [...v.requests.filter((r) => !r.name.includes('before the version field'))];
    const fetchVector: typeof fetch = async (url, init) => {
      sent.push({ url: String(url), init: init as RequestInit & { headers: Record<string, string> } });
      const { status, body } = respond.shift()!.response!;
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    };
    client = new AuthenticatorClient({ store: new MemoryAccountStore(), crypto: vectorCrypto, clock: () => now, fetch: fetchVector });
  });

  /** The client's request matches the vector in everything but the (randomised) ECDSA signatures, which sign the vector's bytes. */
  async function assertSentAs(vector: RequestVector): Promise<void> {
    const { url, init } = sent.at(-1)!;
    assert.equal(url, `https://app.example${vector.request.path}`, vector.name);
    assert.equal(init.method, vector.request.method);
    const expected = Object.fromEntries(Object.entries(vector.request.headers).map(([k, value]) => [k.toLowerCase(), value]));
    const signature = init.headers['x-mfa-signature']!;
    assert.deepEqual({ ...init.headers, 'x-mfa-signature': '' }, { accept: 'application/json', ...expected, 'x-mfa-signature': '' }, vector.name);
    if (!vector.answer) {
      assert.equal(init.body ?? null, vector.request.body, vector.name);
      assert.equal(await webCryptoVerifies(keys.publicKey, vector.signingInput, signature), true, `the client signed the vector's bytes: ${vector.name}`);
      return;
    }
    // The answer's own signature is randomised too, and the request signature covers the body holding it.
    const body = JSON.parse(String(init.body)) as { answer: unknown; signature: string };
    assert.deepEqual({ ...body, signature: '' }, { ...JSON.parse(vector.request.body!), signature: '' }, vector.name);
    assert.equal(await webCryptoVerifies(keys.publicKey, vector.answer.signingInput, body.signature), true, 'the answer signature signs the vector answer');
    const envelope = { ...vector.envelope, body: { ...(vector.envelope.body as object), signature: body.signature } };
    assert.equal(await webCryptoVerifies(keys.publicKey, canonicalJson(envelope), signature), true, `the client signed the vector's envelope: ${vector.name}`);
  }

  it('activates from the vector enrollment URI, polls and approves', async () => {
    assert.deepEqual(parseEnrollmentUri(v.enrollmentUri), { url: `https://app.example${v.requests[0]!.request.path}`, code: v.server.activationCode });
    const [activation, poll, , approve] = v.requests as [RequestVector, RequestVector, RequestVector, RequestVector];
    now = activation.envelope.timestamp as number;
    nonces = [activation.envelope.nonce as string];
    const account = await client.activate(v.enrollmentUri, (activation.envelope.body as { deviceName: string }).deviceName);
    await assertSentAs(activation);
    assert.equal(account.deviceId, v.server.activationId);

    now = poll.envelope.timestamp as number;
    nonces = [poll.envelope.nonce as string];
    const [challenge] = await client.waitForChallenges(account, 0);
    await assertSentAs(poll);
    assert.equal(challenge!.id, v.server.challenge.id);

    now = approve.envelope.timestamp as number;
    nonces = [approve.envelope.nonce as string];
    assert.equal(await client.answer(account, challenge!.id, 'approve', { number: v.server.challenge.number }), 'approved');
    await assertSentAs(approve);
  });
});
