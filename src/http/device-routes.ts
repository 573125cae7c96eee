import { Router } from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { PushApi } from '../methods/push/index.js';
import type { ResolvedOptions } from '../options.js';
import { formBody } from '../second-step/form-body.js';
import type { CompleteStore } from '../stores/guarded-store.js';
import { ActivationFailedError, DeviceDisabledError, InvalidInputError, MfaError, PinIncorrectError, StoreUnavailableError } from '../errors.js';
import type { DeviceChallengeView } from '../push/challenge.js';
import { parsePushSubscription } from '../push/push-subscription.js';
import { authenticateDeviceRequest } from '../push/request-auth.js';
import type { SignedRequest } from '../push/request-auth.js';
import { parsePublicJwk } from '../push/signature.js';
import { userTopic } from '../push/wakeup.js';
import type { PushDeviceRecord } from '../stores/push-records.js';
import { setRetryAfter } from './respond.js';

/** Longest long-poll, in seconds (docs/push-protocol.md §4.1). */
const MAX_WAIT_SECONDS = 25;

export interface DeviceApiDeps {
  options: ResolvedOptions;
  store: CompleteStore;
  push: PushApi;
}

/**
 * The device API (docs/push-protocol.md): activation, waiting for challenges, answering them.
 * Authenticated by request signatures, not by cookies, so it sits before the CSRF check and
 * always answers JSON.
 */
export function deviceRoutes(deps: DeviceApiDeps): Router {
  const router = Router();
  const { options, store, push } = deps;
  const { basePath } = options;

  router.post('/activate/:id', json(async (req, res) => {
    const id = String(req.params.id);
    // Factor ids are 128-bit base64url; anything else cannot be an activation (and is not stored as a key).
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) throw new ActivationFailedError();
    const body = formBody(req);
    const key = parsePublicJwk(body.publicKey);
    if (!key) throw new InvalidInputError('publicKey must be a P-256 public JWK.', 'invalid_request');
    await authenticateDeviceRequest(store, options.clock(), signed(req), { id, key });
    const { deviceId, totp } = await push.method.activate(id, body, req.ip);
    res.status(201).json({
      deviceId,
      deviceApi: `${basePath}/device`,
      issuer: options.issuer,
      accountName: totp.accountName,
      totp: { secret: totp.secret, algorithm: totp.algorithm, digits: totp.digits, period: totp.period },
    });
  }));

  router.get('/challenges', json(async (req, res) => {
    const device = (await authenticateDeviceRequest(store, options.clock(), signed(req)))!;
    const wait = Math.min(MAX_WAIT_SECONDS, Math.max(0, Math.floor(Number(req.query.wait ?? 0)) || 0));
    res.json({ challenges: await waitForChallenges(deps, device, wait, res) });
  }));

  router.post('/challenges/:id/answer', json(async (req, res) => {
    const device = (await authenticateDeviceRequest(store, options.clock(), signed(req)))!;
    res.json({ status: await push.answer(device, String(req.params.id), formBody(req), req.ip) });
  }));

  // Web Push (docs/push-protocol.md §6.1): the device's PushSubscription, so a sleeping phone can be woken.
  router.put('/push-subscription', json(async (req, res) => {
    const device = await webPushDevice(deps, req);
    const { endpoint, p256dh, auth } = parsePushSubscription(req.body);
    if (!options.push.sender!.allowsEndpoint(endpoint)) {
      throw new InvalidInputError('Invalid push subscription: endpoint host is not an allowed push service (WebPushSender allowedHosts).', 'invalid_request');
    }
    await store.pushSubscriptions.put({ deviceId: device.id, userId: device.userId, endpoint, p256dh, auth, createdAt: options.clock() });
    res.json({ status: 'subscribed' });
  }));

  router.delete('/push-subscription', json(async (req, res) => {
    const device = await webPushDevice(deps, req);
    await store.pushSubscriptions.delete(device.id);
    res.json({ status: 'unsubscribed' });
  }));

  return router;
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
 * through the PushWakeup transport), else an empty list after `waitSeconds` or when the client
 * goes away. Subscribing before the first read means no challenge can slip in between.
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
  const unsubscribe = options.push.wakeup.subscribe(userTopic(device.userId), () => signal());
  const timer = setTimeout(stop, waitSeconds * 1000);
  res.once('close', stop);
  try {
    for (;;) {
      // Armed before the read, so a wake-up that arrives during the read is not lost.
      const woken = new Promise<void>((resolve) => (signal = resolve));
      // Re-read the device: a PIN chosen (or a lockout) while this request waited changes what it may see.
      const current = (await store.push.getDevice(device.id)) ?? device;
      const challenges = await push.method.challengesFor(current);
      if (challenges.length > 0 || done) return challenges;
      await woken;
    }
  } finally {
    unsubscribe();
    clearTimeout(timer);
    res.off('close', stop);
  }
}

function signed(req: Request): SignedRequest {
  return { method: req.method, path: req.originalUrl, header: (name) => req.get(name), body: req.body ?? null };
}

/** Runs a device route and answers any error as JSON (never a page or a redirect). */
function json(route: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, _next: NextFunction) => {
    route(req, res).catch((thrown: unknown) => {
      if (res.headersSent) return;
      const error = thrown instanceof MfaError ? thrown : null;
      if (!error || (error.status >= 500 && !(error instanceof StoreUnavailableError))) {
        if (!error) console.error('passport-mfa: unexpected error in the device API', thrown);
        res.status(error?.status ?? 500).json({ error: error?.code ?? 'internal_error', message: 'Something went wrong. Try again.' });
        return;
      }
      setRetryAfter(res, error);
      const extra = error instanceof PinIncorrectError ? { attemptsLeft: error.attemptsLeft } : {};
      res.status(error.status).json({ error: error.code, message: error.message, ...extra });
    });
  };
}
