import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../../src/package-root.js';
import { protocolJsonSchemas } from '../../src/push/protocol-json-schemas.js';
import { PUBLISHED_SCHEMAS } from '../../src/push/protocol-schemas.js';
import { assertConforms, committedSchemas, conforms } from '../support/published-schemas.js';

describe('published JSON Schemas (docs/push-protocol/*.schema.json)', () => {
  it('are exactly what the server\'s own definitions emit (regenerate with: npm run push-schemas)', () => {
    const emitted = protocolJsonSchemas();
    const committed = committedSchemas();
    assert.deepEqual(Object.keys(committed).sort(), Object.keys(emitted).sort(), 'one committed file per definition, none left over: run npm run push-schemas');
    for (const [file, schema] of Object.entries(emitted)) {
      assert.deepEqual(committed[file], schema, `${file} differs from src/push/protocol-schemas.ts: run npm run push-schemas`);
    }
  });

  it('are draft 2020-12 schemas an independent validator (Ajv, strict mode) compiles', () => {
    for (const [file, schema] of Object.entries(committedSchemas())) {
      assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema', file);
      assert.equal(schema.$id, file);
      assert.equal(typeof schema.title, 'string', `${file} has a title`);
    }
    assertConforms('answer-response', { v: 1, status: 'approved' });
  });

  it('accept and refuse the same messages as the zod definitions the server validates with', () => {
    const jwk = { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'B'.repeat(43) };
    const answer = { v: 1, challengeId: 'c'.repeat(22), decision: 'approve', number: '42', deviceId: 'd'.repeat(22), timestamp: 1767268800000 };
    const samples: Array<[keyof typeof PUBLISHED_SCHEMAS, unknown]> = [
      ['activation-request', { v: 1, code: '4821 0937 5516', publicKey: { ...jwk, ext: true }, deviceName: 'Pixel 8' }],
      ['activation-request', { code: '482109375516', publicKey: jwk, deviceName: null }],
      ['activation-request', { code: '482109375516', publicKey: { ...jwk, d: 'C'.repeat(43) } }],
      ['activation-request', { code: '482109375516', publicKey: jwk, deviceName: '😀'.repeat(64) }],
      ['activation-request', { code: '482109375516', publicKey: jwk, deviceName: '😀'.repeat(65) }],
      ['activation-request', { code: '482109375516', publicKey: jwk, deviceName: '' }],
      ['activation-request', { code: '482109375516', publicKey: jwk, deviceName: 7 }],
      ['activation-request', { code: 'abc', publicKey: jwk }],
      ['activation-request', { v: 1, code: '482109375516', publicKey: jwk, extra: 1 }],
      ['answer-request', { v: 1, answer, signature: 'S'.repeat(86) }],
      ['answer-request', { answer: { ...answer, number: 42 }, signature: 'S'.repeat(86) }],
      ['answer-request', { answer: { ...answer, number: null }, signature: 'S'.repeat(86) }],
      ['answer-request', { answer: { ...answer, decision: 'deny', number: undefined }, signature: 'S'.repeat(86) }],
      ['answer-request', { answer: { ...answer, decision: 'fraud', number: null, pin: null }, signature: 'S'.repeat(86) }],
      ['answer-request', { answer: { ...answer, pin: '１２３４' }, signature: 'S'.repeat(86) }],
      ['answer-request', { answer: { ...answer, decision: 'maybe' }, signature: 'S'.repeat(86) }],
      ['answer-request', { answer: { ...answer, timestamp: 1.5 }, signature: 'S'.repeat(86) }],
      ['answer-request', { answer: { ...answer, v: 2 }, signature: 'S'.repeat(86) }],
      ['answer-request', { answer, signature: 'S'.repeat(86), extra: true }],
      ['push-subscription-request', { v: 1, endpoint: 'https://fcm.googleapis.com/fcm/send/x', keys: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) } }],
      ['push-subscription-request', { endpoint: 'https://fcm.googleapis.com/é', expirationTime: 1.5, keys: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) } }],
      ['push-subscription-request', { endpoint: 'http://fcm.googleapis.com/x', keys: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) } }],
      ['push-subscription-request', { endpoint: 'https://x', keys: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) + '==' } }],
      ['error-response', { v: 1, error: 'pin_incorrect', message: 'Wrong PIN.', attemptsLeft: 3 }],
      ['error-response', { error: 'unauthorized', message: 'Request not accepted.' }],
      ['web-push-payload', { v: 1, type: 'challenge', deviceId: 'd'.repeat(22) }],
      ['signed-request-envelope', { v: 1, method: 'GET', path: '/mfa/device/challenges?wait=25', deviceId: 'd'.repeat(22), timestamp: 1, nonce: 'n'.repeat(22), body: null }],
      ['signed-request-envelope', { method: 'PATCH', path: '/x', deviceId: null, timestamp: 1, nonce: 'n'.repeat(22), body: null }],
    ];
    for (const [name, value] of samples) {
      const zod = PUBLISHED_SCHEMAS[name].schema.safeParse(value).success;
      assert.equal(conforms(name, value), zod, `${name} ${JSON.stringify(value)}: zod says ${zod}`);
    }
  });

  it('the specification\'s JSON examples are JSON, each a message some published schema accepts', () => {
    const spec = readFileSync(join(packageRoot(), 'docs', 'push-protocol.md'), 'utf8');
    const examples = [...spec.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    assert.ok(examples.length >= 5, 'found the examples');
    for (const text of examples) {
      const value: unknown = JSON.parse(text);
      assert.ok(Object.keys(PUBLISHED_SCHEMAS).some((name) => conforms(name, value)), `no schema accepts the example ${text.slice(0, 80)}`);
    }
  });
});
