import type { z } from 'zod';
import { parseEnrollmentUri, checkEnrollment } from '../../push/enrollment-uri.js';
import type { Enrollment } from '../../push/enrollment-uri.js';
import { PROTOCOL_VERSION } from '../../push/protocol-version.js';
import {
  activationResponseSchema, answerResponseSchema, challengeSchema, challengesResponseSchema, errorResponseSchema,
} from '../../push/protocol-schemas.js';
import { ConformanceDevice } from './conformance-device.js';
import type { DeviceSend, Exchange } from './conformance-device.js';
import { ConformanceReport } from './conformance-report.js';
import type { Prompter } from './line-prompter.js';

/** What `npm run authenticator -- conformance` runs with. */
export interface ConformanceOptions {
  /**
   * The server's MFA pages: origin plus basePath, e.g. 'https://app.example/mfa'. An origin alone
   * means the default basePath '/mfa'.
   */
  baseUrl: string;
  /** The test account's enrollment: QR text, or the Code and URL its setup page shows. @default asked for */
  enrollment?: string | { code: string; url: string };
  /** The test device's PIN, for servers that require one. @default asked for when a challenge requires it */
  pin?: string;
  /** How long to wait for each notification the operator sends, in ms. @default 180000 */
  challengeTimeoutMs?: number;
  /** Asks the operator for the enrollment, the number shown in the browser and the PIN. */
  prompter: Prompter;
  /** Where the report and the operator's instructions go, line by line. */
  out: (line: string) => void;
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** @default globalThis.crypto */
  crypto?: Crypto;
  /** ms since the epoch. @default Date.now */
  clock?: () => number;
}

type Challenge = z.output<typeof challengeSchema>;

/** Freshness window of the protocol (±60 s) plus a margin that no clock drift explains away. */
const STALE_MS = 61_000;

/**
 * Acts as a new device of a test account against a running server and checks what version 1 of
 * the push protocol (docs/push-protocol.md) requires: activation, signed requests and their
 * refusals (replay, stale or future time, other key, DER, unsigned, moved path, versions),
 * the long-poll, and deny, wrong number and approve on notifications the operator sends from a
 * browser. Returns the report; every check is printed as it runs.
 */
export async function runConformance(o: ConformanceOptions): Promise<ConformanceReport> {
  const report = new ConformanceReport(o.out);
  const clock = o.clock ?? Date.now;
  const base = new URL(o.baseUrl);
  const basePath = base.pathname === '/' ? '/mfa' : base.pathname.replace(/\/+$/, '');
  o.out(`Push protocol conformance check (version ${PROTOCOL_VERSION}) against ${base.origin}${basePath}`);

  let enrollment: Enrollment;
  try {
    enrollment = await readEnrollment(o);
  } catch (error) {
    report.check('enrollment: the Code and URL of the test account', (error as Error).message);
    return report;
  }
  const activationPrefix = `${base.origin}${basePath}/device/activate/`;
  report.check('enrollment: the activation URL is under the base URL', enrollment.url.startsWith(activationPrefix) ? null : `${enrollment.url} does not start with ${activationPrefix}`);

  const environment = { origin: new URL(enrollment.url).origin, crypto: o.crypto ?? globalThis.crypto, fetch: o.fetch ?? ((...args) => globalThis.fetch(...args)), clock };
  const device = await ConformanceDevice.create(environment);
  const other = await device.otherKey();
  const expect = checks(report);
  const activationPath = new URL(enrollment.url).pathname;
  const activation = (code: string, publicKey: object) => ({ v: PROTOCOL_VERSION, code, publicKey, deviceName: 'passport-mfa conformance check' });
  const activate = (body: object, extra: { version?: number; key?: CryptoKey } = {}) => device.send({ method: 'POST', path: activationPath, deviceId: null, body, ...extra });

  // ── Activation ──
  expect.error('activation: an unknown protocol version is refused first', await activate({ v: 2, code: enrollment.code }, { version: 2 }), 400, 'unsupported_version');
  const privateJwk = await environment.crypto.subtle.exportKey('jwk', device.keys.privateKey);
  expect.error('activation: a public key carrying its private part (d) is refused', await activate(activation(enrollment.code, privateJwk)), 400, 'invalid_request');
  expect.error('activation: a request not signed by the key being registered is refused', await activate(activation(enrollment.code, device.publicKey), { key: other.privateKey }), 401, 'unauthorized');
  expect.error('activation: a wrong code is refused', await activate(activation(wrongDigits(enrollment.code), device.publicKey)), 403, 'activation_failed');
  const activated = await activate(activation(enrollment.code, device.publicKey));
  const account = expect.message('activation: the right code activates the device (201)', activated, 201, activationResponseSchema);
  const later = ['signed requests', 'notifications'];
  if (!account) {
    report.notRun(later, 'the activation failed');
    return report;
  }
  report.check('activation: deviceApi is <basePath>/device', account.deviceApi === `${basePath}/device` ? null : `it is ${account.deviceApi}`);
  expect.error('activation: the same request sent again is refused (replay)', await device.replay(activated), 401, 'unauthorized');
  const second = await ConformanceDevice.create(environment);
  expect.error('activation: the code works only once', await second.send({ method: 'POST', path: activationPath, deviceId: null, body: activation(enrollment.code, second.publicKey) }), 403, 'activation_failed');
  device.deviceId = account.deviceId;

  // ── Signed requests ──
  const challenges = `${account.deviceApi}/challenges`;
  const poll = (wait: number, extra: Partial<DeviceSend> = {}) => device.send({ method: 'GET', path: `${challenges}?wait=${wait}`, ...extra });
  const first = await poll(0);
  expect.message('long-poll: wait=0 answers at once with the challenge list', first, 200, challengesResponseSchema);
  const waited = await poll(2);
  const waitedList = expect.message('long-poll: wait=2 answers with the list', waited, 200, challengesResponseSchema);
  if (waitedList) {
    report.check('long-poll: with nothing pending it waits about 2 s, then answers an empty list',
      waitedList.challenges.length > 0 ? 'a challenge was already pending' : waited.elapsedMs < 1500 ? `it answered after ${waited.elapsedMs} ms` : null);
  }
  expect.error('signed requests: the same request sent again is refused (replay)', await device.replay(first), 401, 'unauthorized');
  expect.error('signed requests: a timestamp 61 s old is refused', await poll(0, { timestamp: clock() - STALE_MS }), 401, 'unauthorized');
  expect.error('signed requests: a timestamp 61 s ahead is refused', await poll(0, { timestamp: clock() + STALE_MS }), 401, 'unauthorized');
  expect.error('signed requests: a request signed by another key is refused', await poll(0, { key: other.privateKey }), 401, 'unauthorized');
  expect.error('signed requests: a DER-encoded signature is refused (P1363 only)', await poll(0, { der: true }), 401, 'unauthorized');
  expect.error('signed requests: an unsigned request is refused', await poll(0, { unsigned: true }), 401, 'unauthorized');
  expect.error('signed requests: a request sent to another path than the signed one is refused', await poll(0, { sendPath: `${challenges}?wait=1` }), 401, 'unauthorized');
  expect.error('signed requests: an unknown device id is refused', await poll(0, { deviceId: `${account.deviceId.slice(0, -2)}${account.deviceId.endsWith('AA') ? 'BB' : 'AA'}` }), 401, 'unauthorized');
  expect.error('signed requests: an unknown protocol version is refused', await poll(0, { version: 2 }), 400, 'unsupported_version');
  expect.message('signed requests: a request without X-MFA-Version (clients before the field) is version 1', await poll(0, { version: null }), 200, challengesResponseSchema);
  expect.error('long-poll: a wait that is not a whole number of seconds is refused', await device.send({ method: 'GET', path: `${challenges}?wait=abc` }), 400, 'invalid_request');

  // ── Notifications from the browser ──
  const seen = new Set<string>((expect.body(first, challengesResponseSchema)?.challenges ?? []).map((c) => c.id));
  const timeoutMs = o.challengeTimeoutMs ?? 180_000;
  /** Long-polls until the operator's next notification arrives (or the time is up). */
  async function nextChallenge(step: string): Promise<Challenge | null> {
    o.out(`ACTION: ${step}: in the browser, send a notification to the test account ("Contact me" on its setup page, or "Send another notification"). Waiting up to ${Math.round(timeoutMs / 1000)} s...`);
    const deadline = clock() + timeoutMs;
    while (clock() < deadline) {
      const wait = Math.max(1, Math.min(25, Math.ceil((deadline - clock()) / 1000)));
      const list = expect.body(await poll(wait), challengesResponseSchema);
      const fresh = list?.challenges.find((c) => !seen.has(c.id));
      if (fresh) {
        seen.add(fresh.id);
        report.check(`${step}: the long-poll delivers the new notification`, null);
        return fresh;
      }
      if (!list) break;
    }
    report.check(`${step}: the long-poll delivers the new notification`, `none arrived within ${Math.round(timeoutMs / 1000)} s`);
    return null;
  }
  const answerPath = (id: string) => `${challenges}/${encodeURIComponent(id)}/answer`;
  const answer = async (c: Challenge, fields: Record<string, unknown>, extra: { key?: CryptoKey; der?: boolean; path?: string } = {}) =>
    device.send({ method: 'POST', path: extra.path ?? answerPath(c.id), body: await device.answerBody({ challengeId: c.id, ...fields }, extra) });
  let pin = o.pin;
  const pinFor = async (c: Challenge) => (c.pinRequired ? { pin: (pin ??= (await o.prompter.ask('The notification requires the device PIN. PIN:')).trim()) } : {});

  const denied = await nextChallenge('deny');
  if (denied) {
    const res = await answer(denied, { decision: 'deny' });
    const status = expect.message('deny: a deny without number is accepted', res, 200, answerResponseSchema);
    if (status) report.check('deny: the status is "denied"', status.status === 'denied' ? null : `it is ${status.status}`);
    expect.error('deny: the same request sent again is refused (replay)', await device.replay(res), 401, 'unauthorized');
    const after = expect.body(await poll(0), challengesResponseSchema);
    report.check('deny: the denied notification is no longer listed', after?.challenges.some((c) => c.id === denied.id) ? 'it is still listed' : null);
  } else {
    report.notRun(['deny'], 'no notification arrived');
  }

  const failing = await nextChallenge('wrong number');
  if (failing) {
    const zeros = '0'.repeat(failing.numberDigits);
    const pinField = await pinFor(failing);
    expect.error('answers: an answer made 61 s ago is refused (in a fresh request)', await answer(failing, { decision: 'approve', number: zeros, timestamp: clock() - STALE_MS, ...pinField }), 400, 'invalid_answer');
    expect.error('answers: a number sent as a JSON number is refused (it is a string)', await answer(failing, { decision: 'approve', number: Number(`1${zeros}`), ...pinField }), 400, 'invalid_answer');
    expect.error('answers: an answer signed by another key is refused', await answer(failing, { decision: 'approve', number: zeros, ...pinField }, { key: other.privateKey }), 400, 'invalid_answer');
    expect.error('answers: a DER-encoded answer signature is refused', await answer(failing, { decision: 'approve', number: zeros, ...pinField }, { der: true }), 400, 'invalid_answer');
    expect.error('answers: an answer posted for another challenge is refused', await answer(failing, { decision: 'approve', number: zeros, ...pinField }, { path: answerPath(`${failing.id}x`) }), 400, 'invalid_answer');
    // A number of all zeros is never shown: numbers have no leading zero.
    const wrong = await answer(failing, { decision: 'approve', number: zeros, ...pinField });
    expect.error('wrong number: the notification fails', wrong, 409, 'number_mismatch');
    const again = await device.send({ method: 'POST', path: answerPath(failing.id), body: JSON.parse(wrong.init.body!) as unknown });
    expect.error('wrong number: the failed notification cannot be answered again', again, 410, 'challenge_unavailable');
  } else {
    report.notRun(['wrong number'], 'no notification arrived');
  }

  const approved = await nextChallenge('approve');
  if (approved) {
    const number = (await o.prompter.ask('Type the number the browser shows, then Enter. Number:')).trim();
    const res = await answer(approved, { decision: 'approve', number, ...(await pinFor(approved)) });
    const status = expect.message('approve: the right number approves', res, 200, answerResponseSchema);
    if (status) report.check('approve: the status is "approved"', status.status === 'approved' ? null : `it is ${status.status}`);
    expect.error('approve: the same request sent again is refused (replay)', await device.replay(res), 401, 'unauthorized');
    const again = await device.send({ method: 'POST', path: answerPath(approved.id), body: JSON.parse(res.init.body!) as unknown });
    expect.error('approve: the approved notification cannot be answered again', again, 410, 'challenge_unavailable');
    o.out('The browser now completes with the approval. The test device stays registered to the test account: remove it under Security info.');
  } else {
    report.notRun(['approve'], 'no notification arrived');
  }
  return report;
}

/** The enrollment given on the command line, or the Code and URL asked for. */
async function readEnrollment(o: ConformanceOptions): Promise<Enrollment> {
  if (typeof o.enrollment === 'string') return parseEnrollmentUri(o.enrollment);
  if (o.enrollment) return checkEnrollment(o.enrollment.url, o.enrollment.code);
  o.out('Sign in as the test account in a browser and choose Mobile app → Notification → Set up; "Can\'t scan the image?" shows its Code and URL.');
  const code = await o.prompter.ask('Code:');
  const url = await o.prompter.ask('URL:');
  return checkEnrollment(url, code);
}

/** The same digits with the last one changed: a code that is certainly wrong. */
function wrongDigits(code: string): string {
  const last = Number(code.at(-1));
  return `${code.slice(0, -1)}${(last + 1) % 10}`;
}

/** How exchanges are judged: a message of the right status and schema, or the right error. */
function checks(report: ConformanceReport) {
  const body = <S extends z.ZodType>(res: Exchange, schema: S): z.output<S> | null => {
    const parsed = schema.safeParse(res.body);
    return parsed.success ? parsed.data : null;
  };
  const shape = (res: Exchange) => `HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`;
  return {
    body,
    /** The response is `status` with a body valid under `schema` carrying v = 1; returns the body. */
    message<S extends z.ZodType>(name: string, res: Exchange, status: number, schema: S): z.output<S> | null {
      const parsed = schema.safeParse(res.body);
      const problem =
        res.status !== status ? `expected ${status}, got ${shape(res)}`
        : !parsed.success ? `the body does not match the schema: ${parsed.error.issues[0]!.path.join('.') || 'body'}: ${parsed.error.issues[0]!.message}`
        : null;
      return report.check(name, problem) ? (parsed.data as z.output<S>) : null;
    },
    /** The response is the protocol error `status` / `code`, a valid error message. */
    error(name: string, res: Exchange, status: number, code: string): void {
      const parsed = errorResponseSchema.safeParse(res.body);
      report.check(name,
        res.status !== status || res.body.error !== code ? `expected ${status} ${code}, got ${shape(res)}`
        : !parsed.success ? `the error body does not match error-response.schema.json: ${parsed.error.issues[0]!.path.join('.') || 'body'}: ${parsed.error.issues[0]!.message}`
        : null);
    },
  };
}
