import { NotFoundError } from '../../errors.js';
import type { MfaError } from '../../errors.js';
import type { Emit } from '../../events.js';
import type { CompleteStore } from '../../stores/guarded-store.js';
import type { AttemptRunner } from '../attempt.js';
import type { MethodPage, MethodRoute } from '../page.js';
import type { PhoneFactor } from './phone-factor.js';
import { verifiedPhoneIn } from './phone-factor.js';
import type { PhoneChannel, PhoneMethod } from './phone-method.js';
import { maskPhone } from './phone-number.js';
import { failedResend, parseChannel, sendFailedPage, sendOrExplain } from './send-code.js';
import type { SendNotice } from './send-code.js';

export interface PhoneSignInDeps {
  phone: PhoneMethod;
  store: CompleteStore;
  attempts: AttemptRunner;
  emit: Emit;
  clock: () => number;
}

/** How the last sign-in code was sent: the wording of the code page, and the amr of the sign-in ('sms' or 'tel'). */
export interface PhoneSignInState {
  channel: PhoneChannel;
  /** Set after "Text me again" / "Call me instead" (or "Call me again" / "Text me instead") on the code page, so the page says a new code went out. */
  resent?: boolean;
}

/**
 * Sign-in with a code sent to the verified phone ("Text me" / "Call me" on the verify page),
 * checked by the attempt runner under the same lockout as every other method.
 */
export function phoneVerifyRoutes(deps: PhoneSignInDeps): MethodRoute[] {
  const { phone } = deps;
  return [
    {
      method: 'POST',
      path: '/verify/phone/send',
      access: 'sign-in',
      async handle(page) {
        const to = (await phoneOf(deps, page)).data.e164;
        // A locked user gets no code: it could not be used, and each message costs money.
        await deps.attempts.assertNotLocked(page.userId);
        const channel = parseChannel(page.body.channel);
        const previous = page.pendingState<PhoneSignInState>();
        // A resend from the code page keeps that page when it fails: the code already sent still works.
        const resending = page.body.resend === '1' && previous !== undefined;
        const other = (await page.otherSignInNouns())[0];
        const sent = await sendOrExplain(
          deps.emit,
          page,
          () => phone.send({ userId: page.userId, ip: page.ip, purpose: 'signin', to, channel }),
          resending
            ? async (error) => renderCodePage(deps, page, await phoneOf(deps, page), null, failedResend(error, deps.clock()), error.status)
            : sendFailedPage(page, { backHref: page.url('/verify'), otherHref: page.url('/verify'), otherLabel: other ? `Use ${other} instead` : 'Back' }),
        );
        if (!sent) return;
        page.setPendingState({ channel, resent: resending } satisfies PhoneSignInState);
        await page.goTo('/verify/phone');
      },
    },
    {
      method: 'GET',
      path: '/verify/phone',
      access: 'sign-in',
      async handle(page) {
        const state = page.pendingState<PhoneSignInState>();
        await renderCodePage(deps, page, await phoneOf(deps, page), null, state?.resent ? { resent: true, failure: null } : null);
      },
    },
    {
      method: 'POST',
      path: '/verify/phone',
      access: 'sign-in',
      async handle(page) {
        const factor = await phoneOf(deps, page);
        const error = await page.verify();
        if (error) await renderCodePage(deps, page, factor, error, null);
      },
    },
  ];
}

/** The user's verified phone; 404 when they have none. */
async function phoneOf(deps: PhoneSignInDeps, page: MethodPage): Promise<PhoneFactor> {
  const factor = verifiedPhoneIn(await deps.store.core.listFactors(page.userId));
  if (!factor) throw new NotFoundError('No phone is set up for this account.');
  return factor;
}

async function renderCodePage(
  deps: PhoneSignInDeps,
  page: MethodPage,
  factor: PhoneFactor,
  error: MfaError | null,
  notice: SendNotice | null,
  status = error?.status ?? 200,
): Promise<void> {
  if (error) page.retryAfter(error);
  const other = (await page.otherSignInNouns())[0] ?? null;
  await page.render('verify-phone', {
    title: 'Verify your identity',
    masked: maskPhone(factor.data.e164),
    channel: page.pendingState<PhoneSignInState>()?.channel ?? 'sms',
    digits: deps.phone.digits,
    other,
    error: error?.message ?? null,
    notice,
  }, status);
}
