import { z } from 'zod';
import { PROTOCOL_VERSION } from './protocol-version.js';

/*
 * Every request and response body of the push protocol (docs/push-protocol.md), once. The server
 * validates requests with these definitions, and docs/push-protocol/*.schema.json are emitted from
 * them (protocol-json-schemas.ts), so the published schemas cannot drift from what is enforced.
 *
 * Only checks that JSON Schema can express belong here (no refinements: they would be enforced
 * but not published). Requests are strict objects (unknown members are refused: they would be
 * signed but ignored); responses are loose (clients ignore members they do not know).
 */

const base64url = (length: string, description: string) => z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${length}}$`)).describe(description);
const id = (what: string) => base64url('16,64', `${what}: 16 to 64 base64url characters (servers make 128-bit random ids).`);
const time = (what: string) => z.int().min(0).describe(`${what}, in integer milliseconds since the Unix epoch.`);
const digits = z.string().regex(/^[0-9]{1,4}$/).describe('The number the user typed: 1 to 4 ASCII digits, as a string.');

/** Requests: optional, absent meaning version 1 (clients written before the field). */
const requestVersion = z.literal(PROTOCOL_VERSION).optional().describe('Protocol version. Clients MUST send it; a server treats a message without it as version 1.');
const responseVersion = z.literal(PROTOCOL_VERSION).describe('Protocol version of this message.');

const coordinate = base64url('43', 'A 32-byte P-256 coordinate, base64url.');

const publicJwkSchema = z.looseObject({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: coordinate,
  y: coordinate,
  d: z.never().optional().describe('A private key part: never sent.'),
}).describe('The device\'s ECDSA P-256 public key as a JWK. Members other than kty, crv, x, y (ext, key_ops, ...) are ignored; the point must be on the curve.');

export const activationRequestSchema = z.strictObject({
  v: requestVersion,
  code: z.string().regex(/^[0-9 -]{1,64}$/).describe('The activation code shown as "Code" (digits; spaces and hyphens are ignored).'),
  publicKey: publicJwkSchema,
  deviceName: z.union([z.string().regex(/^[\s\S]{0,64}$/u), z.null()]).optional().describe('Shown on the user\'s "Security info" page: at most 64 characters (code points). Absent and null mean none.'),
}).meta({ title: 'Activation request', description: 'POST <basePath>/device/activate/<activationId> (section 3), signed with the new key.' });

export const activationResponseSchema = z.looseObject({
  v: responseVersion,
  deviceId: id('The device id to send as X-MFA-Device from now on'),
  deviceApi: z.string().regex(/^\/[^?#]*$/).describe('Path of the device API on the activation URL\'s origin, e.g. "/mfa/device".'),
  issuer: z.string().describe('The service\'s name.'),
  accountName: z.string().describe('The user\'s account name.'),
  totp: z.looseObject({
    secret: z.string().regex(/^[A-Z2-7]+$/).describe('RFC 6238 seed, base32 without padding. A secret: store it as one.'),
    algorithm: z.enum(['sha1', 'sha256', 'sha512']),
    digits: z.int().min(6).max(8),
    period: z.int().min(1).describe('Seconds per code.'),
  }),
}).meta({ title: 'Activation response', description: '201 answer to an activation (section 3).' });

export const challengeSchema = z.looseObject({
  id: id('The challenge id'),
  createdAt: time('When the browser asked'),
  expiresAt: time('When the challenge can no longer be answered'),
  issuer: z.string(),
  accountName: z.string(),
  context: z.looseObject({
    ip: z.union([z.string(), z.null()]).describe('The browser\'s IP address as the server saw it.'),
    userAgent: z.union([z.string(), z.null()]).describe('The browser\'s User-Agent, at most 256 characters.'),
    time: time('When the browser asked'),
  }),
  numberDigits: z.int().min(1).max(4).describe('How many digits the number shown in the browser has.'),
  pinRequired: z.boolean().describe('Whether an approval must carry the device PIN.'),
});

export const challengesResponseSchema = z.looseObject({
  v: responseVersion,
  challenges: z.array(challengeSchema),
}).meta({ title: 'Challenges response', description: '200 answer to GET <basePath>/device/challenges (section 4.1).' });

const answerCommon = {
  v: requestVersion,
  challengeId: id('The id of the challenge answered (the one in the URL)'),
  deviceId: id('The answering device (the X-MFA-Device header)'),
  timestamp: time('When the answer was made; within 60 s of the server\'s clock'),
  pin: z.union([z.string().regex(/^[0-9]{1,64}$/), z.null()]).optional().describe('The device PIN as typed (ASCII digits), when the challenge says pinRequired and the decision is approve. Absent and null mean none.'),
};

/** A deny or fraud answer: no number needed. */
const withoutNumber = <D extends 'deny' | 'fraud'>(decision: D) => z.strictObject({
  ...answerCommon,
  decision: z.literal(decision),
  number: z.union([digits, z.null()]).optional().describe(`Not used for ${decision}: absent or null (a string is ignored).`),
});

export const answerSchema = z.discriminatedUnion('decision', [
  z.strictObject({ ...answerCommon, decision: z.literal('approve'), number: digits }),
  withoutNumber('deny'),
  withoutNumber('fraud'),
]).describe('The signed answer. Its RFC 8785 canonical JSON is what `signature` signs.');

export const answerRequestSchema = z.strictObject({
  v: requestVersion,
  answer: answerSchema,
  signature: base64url('86', 'ECDSA P-256/SHA-256 signature by the device key over the canonical JSON of `answer`: IEEE P1363 (r‖s, 64 bytes), base64url.'),
}).meta({ title: 'Answer request', description: 'POST <basePath>/device/challenges/<challengeId>/answer (section 4.2).' });

export const answerResponseSchema = z.looseObject({
  v: responseVersion,
  status: z.enum(['approved', 'denied', 'reported']),
}).meta({ title: 'Answer response', description: '200 answer to a challenge answer (section 4.2).' });

export const pushSubscriptionRequestSchema = z.strictObject({
  v: requestVersion,
  endpoint: z.string().max(2048).regex(/^https:\/\/[!-~]+$/).describe('The push service URL: https, printable ASCII, normalised (as new URL(endpoint).href writes it), no credentials or fragment, on a host the server allows.'),
  expirationTime: z.union([z.number(), z.null()]).optional().describe('As the Push API gives it; ignored. Clients SHOULD leave it out.'),
  keys: z.strictObject({
    p256dh: z.string().regex(/^[A-Za-z0-9_-]{87}=?$/).describe('The subscription\'s P-256 public key: 65 bytes (uncompressed point, first byte 0x04), base64url.'),
    auth: z.string().regex(/^[A-Za-z0-9_-]{22}(==)?$/).describe('The subscription\'s 16-byte auth secret, base64url.'),
  }),
}).meta({ title: 'Push subscription request', description: 'PUT <basePath>/device/push-subscription (section 6.1): the browser\'s PushSubscription.toJSON().' });

export const pushSubscriptionResponseSchema = z.looseObject({
  v: responseVersion,
  status: z.enum(['subscribed', 'unsubscribed']),
}).meta({ title: 'Push subscription response', description: '200 answer to PUT (subscribed) or DELETE (unsubscribed) <basePath>/device/push-subscription (section 6.1).' });

export const errorResponseSchema = z.looseObject({
  v: responseVersion,
  error: z.string().regex(/^[a-z_]+$/).describe('Stable machine-readable code (section 8).'),
  message: z.string().describe('For people; may change at any time, never parse it.'),
  attemptsLeft: z.int().min(0).optional().describe('With pin_incorrect: wrong PINs left before the device is disabled.'),
  supportedVersions: z.array(z.int().min(1)).optional().describe('With unsupported_version: the versions this server speaks.'),
}).meta({ title: 'Error response', description: 'Every 4xx and 5xx answer of the device API.' });

const webPushPayloadSchema = z.looseObject({
  v: responseVersion,
  type: z.literal('challenge').describe('A device MUST ignore a message of any other type.'),
  deviceId: id('The device the message is for'),
}).meta({ title: 'Web Push payload', description: 'The decrypted payload of a Web Push message (section 6.1): only a hint to poll.' });

const requestEnvelopeSchema = z.strictObject({
  v: requestVersion.describe('The X-MFA-Version header as a number; present exactly when the request carries that header.'),
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
  path: z.string().regex(/^\/[^#]*$/).describe('Absolute path plus query string exactly as sent on the wire (no origin, no fragment).'),
  deviceId: z.union([id('The X-MFA-Device header'), z.null()]).describe('null on the activation request.'),
  timestamp: time('The X-MFA-Timestamp header'),
  nonce: base64url('16,64', 'The X-MFA-Nonce header.'),
  body: z.union([z.looseObject({}), z.null()]).describe('The JSON request body, or null when there is none.'),
}).meta({ title: 'Signed request envelope', description: 'Not sent: the object whose RFC 8785 canonical JSON the X-MFA-Signature header signs (section 2).' });

/** Each published schema, by the file name it has in docs/push-protocol/. */
export const PUBLISHED_SCHEMAS = {
  'signed-request-envelope': { schema: requestEnvelopeSchema, io: 'input' },
  'activation-request': { schema: activationRequestSchema, io: 'input' },
  'activation-response': { schema: activationResponseSchema, io: 'output' },
  'challenges-response': { schema: challengesResponseSchema, io: 'output' },
  'answer-request': { schema: answerRequestSchema, io: 'input' },
  'answer-response': { schema: answerResponseSchema, io: 'output' },
  'push-subscription-request': { schema: pushSubscriptionRequestSchema, io: 'input' },
  'push-subscription-response': { schema: pushSubscriptionResponseSchema, io: 'output' },
  'error-response': { schema: errorResponseSchema, io: 'output' },
  'web-push-payload': { schema: webPushPayloadSchema, io: 'output' },
} as const satisfies Record<string, { schema: z.ZodType; io: 'input' | 'output' }>;
