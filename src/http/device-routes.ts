import express, { Router } from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import type { PushApi } from '../methods/push/index.js';
import type { ResolvedOptions } from '../options.js';
import { formBody } from '../second-step/form-body.js';
import type { CompleteStore } from '../stores/guarded-store.js';
import { ActivationFailedError, DeviceDisabledError, InvalidInputError, MfaError, PinIncorrectError, StoreUnavailableError, UnsupportedVersionError } from '../errors.js';
import type { DeviceChallengeView } from '../push/challenge.js';
import { assertSupportedVersion, parseMessage } from '../push/parse-message.js';
import { PROTOCOL_VERSION, VERSION_HEADER } from '../push/protocol-version.js';
import { activationRequestSchema } from '../push/protocol-schemas.js';
import type {
  activationResponseSchema, answerResponseSchema, challengesResponseSchema, errorResponseSchema, pushSubscriptionResponseSchema,
} from '../push/protocol-schemas.js';
import { parsePushSubscription } from '../push/push-subscription.js';
import { authenticateDeviceRequest } from '../push/request-auth.js';
import type { SignedRequest } from '../push/request-auth.js';
import { parsePublicJwk } from '../push/signature.js';
import { userTopic } from '../push/wakeup.js';
import { pollDelayMs } from '../transports/wakeup.js';
import type { PushDeviceRecord } from '../stores/push-records.js';
import { setRetryAfter } from './respond.js';

/** Longest long-poll, in seconds (docs/push-protocol.md §4.1). */
const MAX_WAIT_SECONDS = 25;

/** Device request bodies: far above any honest message, far below a flood. */
const BODY_LIMIT = '16kb';

export interface DeviceApiDeps {
  options: ResolvedOptions;
  store: CompleteStore;
  push: PushApi;
}

/**
 * The device API (docs/push-protocol.md): activation, waiting for challenges, answering them.
 * Authenticated by request signatures, not by cookies, so it sits before the CSRF check, reads
 * only JSON bodies and always answers JSON carrying the protocol version.
 */
export function deviceRoutes(deps: DeviceApiDeps): Router {
  const router = Router();
  const { options, store, push } = deps;
  const { basePath } = options;
  // Before anything else: what a request means depends on the version it is written in.
  router.use((req: Request, res: Response, next: NextFunction) => {
    try {
      assertSupportedVersion(req.get(VERSION_HEADER));
      next();
    } catch (error) {
      sendError(res, error);
    }
  });
  router.use(express.json({ limit: BODY_LIMIT }));

  router.post('/activate/:id', json(async (req, res) => {
    const id = String(req.params.id);
    // Factor ids are 128-bit base64url; anything else cannot be an activation (and is not stored as a key).
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) throw new ActivationFailedError();
    // Checked before the signature, which needs the key.
    const body = parseMessage(activationRequestSchema, req.body, 'invalid_request', 'activation');
    const key = parsePublicJwk(body.publicKey);
    if (!key) throw new InvalidInputError('Invalid activation: publicKey is not a point on the P-256 curve.', 'invalid_request');
    await authenticateDeviceRequest(store, options.clock(), signed(req), { id, key });
    const { deviceId, totp } = await push.method.activate(id, body, req.ip);
    reply<typeof activationResponseSchema>(res, 201, {
      deviceId,
      deviceApi: `${basePath}/device`,
      issuer: options.issuer,
      accountName: totp.accountName,
      totp: { secret: totp.secret, algorithm: totp.algorithm, digits: totp.digits, period: totp.period },
    });
  }));

  router.get('/challenges', json(async (req, res) => {
    const device = (await authenticateDeviceRequest(store, options.clock(), signed(req)))!;
    const challenges = await waitForChallenges(deps, device, waitSeconds(req.query.wait), res);
    reply<typeof challengesResponseSchema>(res, 200, { challenges });
  }));

  router.post('/challenges/:id/answer', json(async (req, res) => {
    const device = (await authenticateDeviceRequest(store, options.clock(), signed(req)))!;
    reply<typeof answerResponseSchema>(res, 200, { status: await push.answer(device, String(req.params.id), formBody(req), req.ip) });
  }));

  // Web Push (docs/push-protocol.md §6.1): the device's PushSubscription, so a sleeping phone can be woken.
  router.put('/push-subscription', json(async (req, res) => {
    const device = await webPushDevice(deps, req);
    const { endpoint, p256dh, auth } = parsePushSubscription(req.body);
    if (!options.push.sender!.allowsEndpoint(endpoint)) {
      throw new InvalidInputError('Invalid push subscription: endpoint host is not an allowed push service (WebPushSender allowedHosts).', 'invalid_request');
    }
    await store.pushSubscriptions.put({ deviceId: device.id, userId: device.userId, endpoint, p256dh, auth, createdAt: options.clock() });
    reply<typeof pushSubscriptionResponseSchema>(res, 200, { status: 'subscribed' });
  }));

  router.delete('/push-subscription', json(async (req, res) => {
    const device = await webPushDevice(deps, req);
    await store.pushSubscriptions.delete(device.id);
    reply<typeof pushSubscriptionResponseSchema>(res, 200, { status: 'unsubscribed' });
  }));

  router.use((_req: Request, res: Response) => sendError(res, new MfaError(404, 'not_found', 'No such device API endpoint.')));
  // Bodies that are not JSON, or too large, still get the device API's JSON errors.
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => sendError(res, bodyParserError(error)));

  return router;
}

/**
 * The long-poll's `wait` query parameter (§4.1): absent means 0 (answer at once); otherwise
 * 1 to 4 ASCII digits, seconds, capped at MAX_WAIT_SECONDS. Anything else is refused.
 */
function waitSeconds(wait: unknown): number {
  if (wait === undefined) return 0;
  if (typeof wait !== 'string' || !/^[0-9]{1,4}$/.test(wait)) throw new InvalidInputError('wait must be a whole number of seconds (0 to 25).', 'invalid_request');
  return Math.min(MAX_WAIT_SECONDS, Number(wait));
}

/** Answers with a protocol message: `body` plus the version (typed by the schema it is published as). */
function reply<S extends z.ZodType>(res: Response, status: number, body: Omit<z.input<S>, 'v'>): void {
  res.status(status).json({ v: PROTOCOL_VERSION, ...body });
}

/** Authenticates a subscription request; Web Push must be configured and the device usable. */
async function webPushDevice(deps: DeviceApiDeps, req: Request): Promise<PushDeviceRecord> {
  const device = (await authenticateDeviceRequest(deps.store, deps.options.clock(), signed(req)))!;
  if (!deps.options.push.sender) throw new MfaError(404, 'web_push_unavailable', 'This server does not send Web Push messages; keep long-polling.');
  if (device.disabledAt !== null) throw new DeviceDisabledError();
  return device;
}

/**
 * The device's open challenges: at once if there are any, else as soon as one is created (woken
 * through the wake-up transport, or found by the re-read every `push.pollIntervalMs` in case no
 * wake-up comes), else an empty list after `waitSeconds` or when the client goes away.
 * Subscribing before the first read means no challenge can slip in between.
 */
async function waitForChallenges(deps: DeviceApiDeps, device: PushDeviceRecord, waitSeconds: number, res: Response): Promise<DeviceChallengeView[]> {
  const { store, options, push } = deps;
  if (waitSeconds === 0) return push.method.challengesFor(device);
  let signal = (): void => {};
  let done = false;
  const stop = (): void => {
    done = true;
    signal();
  };
  const unsubscribe = options.wakeup.subscribe(userTopic(device.userId), () => signal());
  const timer = setTimeout(stop, waitSeconds * 1000);
  let poll: NodeJS.Timeout | undefined;
  res.once('close', stop);
  try {
    for (;;) {
      // Armed before the read, so a wake-up that arrives during the read is not lost.
      const woken = new Promise<void>((resolve) => (signal = resolve));
      clearTimeout(poll);
      poll = setTimeout(() => signal(), pollDelayMs(options.wakeup, options.push.pollIntervalMs));
      // Re-read the device: a PIN chosen (or a lockout) while this request waited changes what it may see.
      const current = (await store.push.getDevice(device.id)) ?? device;
      const challenges = await push.method.challengesFor(current);
      if (challenges.length > 0 || done) return challenges;
      await woken;
    }
  } finally {
    unsubscribe();
    clearTimeout(timer);
    clearTimeout(poll);
    res.off('close', stop);
  }
}

/** The request as its signature covers it; the path is the one on the wire (originalUrl, not decoded). */
function signed(req: Request): SignedRequest {
  return { method: req.method, path: req.originalUrl, header: (name) => req.get(name), body: req.body ?? null };
}

/** Runs a device route and answers any error as JSON (never a page or a redirect). */
function json(route: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, _next: NextFunction) => {
    route(req, res).catch((thrown: unknown) => sendError(res, thrown));
  };
}

/** Answers anything thrown as the protocol's error message; only true bugs become 500. */
function sendError(res: Response, thrown: unknown): void {
  if (res.headersSent) return;
  const error = thrown instanceof MfaError ? thrown : null;
  if (!error || (error.status >= 500 && !(error instanceof StoreUnavailableError))) {
    if (!error) console.error('passport-mfa: unexpected error in the device API', thrown);
    reply<typeof errorResponseSchema>(res, error?.status ?? 500, { error: error?.code ?? 'internal_error', message: 'Something went wrong. Try again.' });
    return;
  }
  setRetryAfter(res, error);
  const extra =
    error instanceof PinIncorrectError ? { attemptsLeft: error.attemptsLeft }
    : error instanceof UnsupportedVersionError ? { supportedVersions: [...error.supportedVersions] }
    : {};
  reply<typeof errorResponseSchema>(res, error.status, { error: error.code, message: error.message, ...extra });
}

/** body-parser marks what it refused with a 4xx status: an oversized or unreadable JSON body. */
function bodyParserError(error: unknown): unknown {
  const status = (error as { status?: unknown } | null)?.status;
  if (status === 413) return new MfaError(413, 'body_too_large', `The body is larger than ${BODY_LIMIT}.`);
  if (typeof status === 'number' && status >= 400 && status < 500) return new InvalidInputError('The body is not valid JSON.', 'invalid_request');
  return error;
}
