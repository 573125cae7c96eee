import type { MfaEvent } from '../../src/events.js';
import { WebPushSender } from '../../src/push/web-push-sender.js';
import { startPushHarness } from './push.js';
import { STUB_PUSH_HOST, startStubPushService, webPush } from './stub-push-service.js';

/**
 * The push harness with `push.sender` = a WebPushSender (the real web-push package) that talks to
 * a stub push service on https://127.0.0.1, allowed explicitly (override with `allowedHosts`).
 * `nextEvent(type)` resolves on the next audit event of that type, so tests await the background
 * delivery instead of sleeping.
 */
export async function startWebPushHarness({ allowedHosts = [STUB_PUSH_HOST] }: { allowedHosts?: string[] } = {}) {
  const service = await startStubPushService();
  const vapid = webPush.generateVAPIDKeys();
  const sender = new WebPushSender({ vapidPublicKey: vapid.publicKey, vapidPrivateKey: vapid.privateKey, subject: 'mailto:ops@example.com', agent: service.agent, allowedHosts });
  const events: MfaEvent[] = [];
  const waiting: Array<{ type: string; resolve: (e: MfaEvent) => void }> = [];
  const h = await startPushHarness({
    mfaOptions: { push: { sender } },
    onEvent: (event) => {
      events.push(event);
      const i = waiting.findIndex((w) => w.type === event.type);
      if (i >= 0) waiting.splice(i, 1)[0]!.resolve(event);
    },
  });
  return {
    ...h,
    service,
    events,
    nextEvent: (type: MfaEvent['type']) => new Promise<MfaEvent>((resolve) => waiting.push({ type, resolve })),
    /** Opens the verify page of a new alice browser and selects "Contact me"; returns it. */
    async contactMe() {
      const b = await h.signInToVerify();
      const sent = await h.post(b, '/mfa/verify/push/send', {}, '/mfa/verify');
      if (sent.status !== 303) throw new Error(`Contact me failed: ${sent.status}`);
      return b;
    },
    async stop() {
      await h.stop();
      await service.close();
    },
  };
}

export type WebPushHarness = Awaited<ReturnType<typeof startWebPushHarness>>;
