import QRCode from 'qrcode';
import { InvalidInputError, PendingExpiredError, RateLimitedError } from '../../errors.js';
import type { MfaError } from '../../errors.js';
import { groupDigits } from '../../push/activation-code.js';
import type { FactorRecord } from '../../stores/facets/core.js';
import type { MethodPage, MethodRoute } from '../page.js';
import type { PushMethod } from './push-method.js';
import { deviceOrigin, signInContext } from './request-context.js';
import { renderPushWait, rememberChallenge, sessionChallenge } from './wait-page.js';
import type { WaitPageDeps } from './wait-page.js';

export interface PushPageDeps extends WaitPageDeps {
  push: PushMethod;
  basePath: string;
}

/** Mobile app → Notification → Set up: activate the app, choose a PIN if required, approve a first notification. */
export function pushSetupRoutes(deps: PushPageDeps): MethodRoute[] {
  const { push, store } = deps;
  return [
    { method: 'GET', path: '/setup/push', access: 'enrolling', handle: (page) => renderSetupPush(deps, page, null) },
    {
      method: 'GET',
      path: '/setup/push/qr.png',
      access: 'enrolling',
      async handle(page) {
        const device = await store.push.getDevice(page.enrolling!.id);
        if (!device || device.activatedAt !== null) throw new PendingExpiredError('No activation is waiting.');
        const { uri } = push.enrollmentDetails(device, deviceOrigin(push.settings, page), deps.basePath);
        page.send('image/png', await QRCode.toBuffer(uri, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 264 }));
      },
    },
    {
      method: 'POST',
      path: '/setup/push/contact',
      access: 'enrolling',
      async handle(page) {
        const factor = page.enrolling!;
        const device = await push.readyDevice(factor);
        if (!device) {
          const message = 'The app is not activated yet. Scan the QR code (or enter the Code and URL) in the app first, then select Contact me.';
          return renderSetupPush(deps, page, message, 409);
        }
        if (push.settings.requirePin && device.pinHash === null) return page.goTo('/setup/push/pin');
        await sendFirst(deps, page, factor);
      },
    },
    {
      method: 'GET',
      path: '/setup/push/pin',
      access: 'enrolling',
      async handle(page) {
        if (!(await push.readyDevice(page.enrolling!))) return page.goTo('/setup/push');
        await renderPinPage(deps, page, null);
      },
    },
    {
      method: 'POST',
      path: '/setup/push/pin',
      access: 'enrolling',
      async handle(page) {
        const factor = page.enrolling!;
        if (!(await push.readyDevice(factor))) return page.goTo('/setup/push');
        let pin: string;
        try {
          pin = push.pins.validateNew(page.body.pin, page.body.confirm);
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error;
          return renderPinPage(deps, page, error);
        }
        await store.push.setDevicePin(factor.id, await push.pins.hash(pin));
        await sendFirst(deps, page, factor);
      },
    },
    {
      method: 'GET',
      path: '/setup/push/wait',
      access: 'enrolling',
      handle: async (page) => renderPushWait(deps, page, 'setup', { challenge: await sessionChallenge(deps, page) }),
    },
    completeRoute(deps, 'setup'),
  ];
}

/**
 * "I approved it" (or the page's script, once the answer arrived): completes the setup or the
 * sign-in with the approved notification; otherwise shows the waiting page again, still waiting
 * (not approved yet, or locked out: the number stays) or saying why the notification ended.
 */
export function completeRoute(deps: PushPageDeps, flow: 'setup' | 'verify'): MethodRoute {
  return {
    method: 'POST',
    path: flow === 'setup' ? '/setup/push/wait' : '/verify/push',
    access: flow === 'setup' ? 'enrolling' : 'sign-in',
    async handle(page) {
      const error = await page.verify();
      if (error) await renderOutcome(deps, page, flow, error);
    },
  };
}

async function renderOutcome(deps: PushPageDeps, page: MethodPage, flow: 'setup' | 'verify', error: MfaError): Promise<void> {
  page.retryAfter(error);
  // Not approved yet, or locked out for now: the page keeps waiting on the same notification.
  const notYet = error.code === 'push_pending';
  const locked = error.code === 'locked_out';
  await renderPushWait(deps, page, flow, {
    challenge: await sessionChallenge(deps, page),
    error: locked ? error.message : null,
    outcome: notYet || locked ? null : error.message,
    notYet,
    status: error.status,
  });
}

async function sendFirst(deps: PushPageDeps, page: MethodPage, factor: FactorRecord): Promise<void> {
  try {
    rememberChallenge(page, await deps.push.send(factor.userId, factor.id, signInContext(page)));
  } catch (error) {
    if (!(error instanceof RateLimitedError)) throw error;
    page.retryAfter(error);
    return renderSetupPush(deps, page, error.message, 429);
  }
  await page.goTo('/setup/push/wait');
}

async function renderSetupPush(deps: PushPageDeps, page: MethodPage, error: string | null, status = 200): Promise<void> {
  const factor = page.enrolling!;
  const device = await deps.store.push.getDevice(factor.id);
  if (!device) throw new PendingExpiredError('This setup expired. Start again.');
  const details = deps.push.enrollmentDetails(device, deviceOrigin(deps.push.settings, page), deps.basePath);
  await page.render('setup-push', {
    title: 'Configure mobile app',
    error,
    activated: device.activatedAt !== null,
    deviceName: device.name,
    code: groupDigits(details.code),
    url: details.url,
    expiresInMinutes: Math.max(0, Math.ceil((details.expiresAt - deps.clock()) / 60_000)),
    qrSrc: page.url(`/setup/push/qr.png?v=${encodeURIComponent(factor.id.slice(0, 8))}`),
  }, status);
}

async function renderPinPage(deps: PushPageDeps, page: MethodPage, error: MfaError | null): Promise<void> {
  await page.render('setup-push-pin', { title: 'Choose a PIN', error: error?.message ?? null, pinLength: deps.push.settings.pinLength }, error?.status ?? 200);
}
