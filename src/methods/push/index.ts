import { deriveSubkey } from '../../crypto/derive-key.js';
import { answerChallenge } from '../../push/answer.js';
import type { AnswerStatus } from '../../push/answer.js';
import { PushBudget } from '../../push/budget.js';
import { PinPolicy } from '../../push/pin-policy.js';
import type { PushDeviceRecord } from '../../stores/push-records.js';
import type { MethodRegistry } from '../registry.js';
import type { SecondFactorMethod } from '../method.js';
import { TOTP_ID, TotpMethod } from '../totp/totp-method.js';
import { fraudNotices } from './fraud-notices.js';
import { checkPushApproval } from './push-check.js';
import { PUSH_DEFAULT_LABEL, PUSH_ID, PushMethod } from './push-method.js';
import { pushSetupRoutes } from './setup-routes.js';
import { pushVerifyRoutes, sendSignInNotification } from './verify-routes.js';

/** What the push protocol's HTTP shell (the device API, mfa.streams) uses of the push method. */
export interface PushApi {
  method: PushMethod;
  /** MAC key of the waiting page's result-stream tokens (see push/stream-token.ts), derived once. */
  streamTokenKey: Buffer;
  /** Handles a device's signed answer to a challenge (docs/push-protocol.md §4.2). */
  answer(device: PushDeviceRecord, challengeId: string, body: Record<string, unknown>, ip: string | undefined): Promise<AnswerStatus>;
}

/**
 * Mobile app → Notification: the companion authenticator, with number matching and an optional
 * PIN, over the open push protocol (docs/push-protocol.md, core in src/push/). Its factors carry
 * a TOTP seed too, so the app's offline codes are accepted by the one-time-password method.
 */
export const pushMethod: SecondFactorMethod = {
  id: PUSH_ID,
  name: 'Mobile app: notification',
  enabled: (options) => options.push.enabled,
  storeNeeds: (options) => [
    { feature: 'push (on unless push.enabled is false)', facets: ['push', 'rateLimits'], orElse: 'set push.enabled = false' },
    ...(options.push.sender ? [{ feature: 'Web Push (`push.sender` is set)', facets: ['pushSubscriptions'] as const, orElse: 'remove push.sender' }] : []),
  ],
  setup: {
    kind: 'choice',
    contact: { value: 'mobile_app', label: 'Mobile app' },
    mode: { value: 'notification', label: 'Notification', hint: 'Receive notifications for verification in the companion app, and type the number shown here.' },
    position: 10,
    page: '/setup/push',
    done: "Your mobile app is set up. From now on we'll send a notification to it when you sign in; it also shows one-time codes for when you are offline.",
  },
  signInRank: 10,
  // RFC 8176: proof of possession of a software-held key (the device signs its answer) and a
  // second channel (the number typed on the phone). Approving a look-alike site's request is
  // still possible, so not phishing-resistant.
  assurance: { amr: ['pop', 'swk', 'mca'], phishingResistant: false },
  alsoVerifiedBy: [TOTP_ID],
  create({ options, store, box, emit, attempts, revokeAppPasswords, revokeSessions }) {
    const { push: settings, clock, random, issuer } = options;
    const totp = new TotpMethod({ store, box, issuer, settings: options.totp, clock, random });
    const push = new PushMethod({
      store, totp, issuer, settings, clock, random, emit,
      // The current key only, like phone codes: a rotation costs at most the setups in flight.
      activationKey: deriveSubkey(options.keys[0]!, 'push-activation/v1'),
      budget: new PushBudget(store, settings, clock),
      pins: new PinPolicy(store, { length: settings.pinLength, maxFailures: settings.maxPinFailures }, clock, random),
    });
    const deps = { push, store, clock, attempts, basePath: options.basePath, streamTokenKey: deriveSubkey(options.keys[0]!, 'push-stream-token/v1') };
    const answerDeps = { store, push, attempts, clock, emit, onFraudReport: options.onFraudReport, revokeAppPasswords, revokeSessions };
    const api: PushApi = {
      method: push,
      streamTokenKey: deps.streamTokenKey,
      answer: (device, challengeId, body, ip) => answerChallenge(answerDeps, device, challengeId, body, ip),
    };
    return {
      beginSetup: async ({ userId, accountName }) => ({ factorId: (await push.enroll(userId, accountName)).id }),
      verify: (input) => checkPushApproval(push, input),
      signIn: {
        noun: 'your mobile app',
        async offer({ userId, own }) {
          if ((await push.readyFactors(userId, own)).length === 0) return null;
          const pause = await push.budget.pause(userId);
          return { view: 'sign-in-push', locals: { paused: pause && { until: new Date(pause.until).toISOString(), reason: pause.reason } }, blocked: Boolean(pause) };
        },
        notices: (userId) => fraudNotices(store, clock, userId),
        async start(page, { userId, own }) {
          if (!settings.autoSend || page.query.code !== undefined || page.pendingState() !== undefined) return false;
          const ready = await push.readyFactors(userId, own);
          if (ready.length === 0) return false;
          if (await sendSignInNotification(deps, page, ready)) await page.goTo('/verify/push');
          return true;
        },
      },
      securityInfo: {
        renamable: true,
        // A name the user gave wins; until then the phone's own name ("Pixel 8"), sent when it was
        // activated, tells this app apart from the user's others.
        async row(factor) {
          const device = factor.label === PUSH_DEFAULT_LABEL ? await store.push.getDevice(factor.id) : null;
          return { detail: device?.name ?? factor.label, actions: [] };
        },
      },
      routes: [...pushSetupRoutes(deps), ...pushVerifyRoutes(deps)],
      api,
    };
  },
};

/** The push method's API in this instance, or null when push is off. */
export function pushApiOf(registry: MethodRegistry): PushApi | null {
  return (registry.get(PUSH_ID)?.parts.api as PushApi | undefined) ?? null;
}
