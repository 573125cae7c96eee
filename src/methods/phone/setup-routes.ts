import { randomId } from '../../crypto/random.js';
import type { MfaError } from '../../errors.js';
import type { Emit } from '../../events.js';
import type { ResolvedOptions } from '../../options.js';
import type { CompleteStore } from '../../stores/guarded-store.js';
import type { AttemptRunner } from '../attempt.js';
import type { MethodPage, MethodRoute } from '../page.js';
import { checkEnrollmentCode } from './check-phone-code.js';
import { notifyPhoneChanged } from './phone-change.js';
import { PHONE_ID, verifiedPhoneIn } from './phone-factor.js';
import type { PhoneChannel, PhoneMethod } from './phone-method.js';
import { countryOptions, defaultCountry, maskPhone, parseMobileNumber } from './phone-number.js';
import { failedResend, parseChannel, sendFailedPage, sendOrExplain } from './send-code.js';
import type { SendNotice } from './send-code.js';

const STEP = '/setup/phone';

/** A number being proved before it is saved (a phone number is personal data, not a secret). */
interface PhoneSetup {
  e164: string;
  channel: PhoneChannel;
  startedAt: number;
  /** Where Done and Skip lead: on through the wizard, or back to Security info. */
  then: 'wizard' | 'manage';
  /** Set after a resend, so the code page says a new code went out. */
  resent?: boolean;
}

export interface PhoneSetupDeps {
  phone: PhoneMethod;
  store: CompleteStore;
  attempts: AttemptRunner;
  emit: Emit;
  options: Pick<ResolvedOptions, 'clock' | 'random' | 'pendingTtlMs' | 'onPhoneChanged' | 'phone'>;
}

/**
 * The backup-phone step of the setup wizard, also used from Security info to change the number:
 * enter a number, receive a code, enter it. The number is saved only once the code matched; the
 * proof goes through the attempt runner like a sign-in, so guesses count toward the lockout.
 */
export function phoneSetupRoutes(deps: PhoneSetupDeps): MethodRoute[] {
  const { phone } = deps;
  const after = (page: MethodPage, then: PhoneSetup['then']) => (then === 'manage' ? '/manage' : page.nextSetupPage());
  /** The way out offered when a code could not be sent. */
  const leave = (page: MethodPage, then: PhoneSetup['then']) => ({
    otherHref: page.url(after(page, then)),
    otherLabel: then === 'manage' ? 'Back to Security info' : 'Skip this step',
  });
  /** The number this session is proving; null (after sending the visitor back to enter one) once it answered or expired. */
  const proving = async (page: MethodPage): Promise<PhoneSetup | null> => {
    const setup = page.sessionState<PhoneSetup>();
    if (setup && deps.options.clock() - setup.startedAt < deps.options.pendingTtlMs) return setup;
    await page.goTo(STEP);
    return null;
  };
  const route = (method: MethodRoute['method'], path: string, handle: MethodRoute['handle']): MethodRoute => ({ method, path, access: 'fresh', returnTo: STEP, handle });

  return [
    route('GET', STEP, (page) => renderNumberPage(deps, page, { then: page.query.then === 'manage' ? 'manage' : 'wizard' })),

    route('POST', STEP, async (page) => {
      const { body } = page;
      const then = body.then === 'manage' ? 'manage' : 'wizard';
      if (body.action === 'skip') {
        // Skip (wizard) or Cancel (Security info): a number still being proved is forgotten.
        page.setSessionState(undefined);
        return page.goTo(after(page, then));
      }
      const parsed = parseMobileNumber(body.number, body.country, deps.options.phone.allowedCountries);
      const channel = parseChannel(body.channel);
      if (!parsed.ok) {
        const number = typeof body.number === 'string' ? body.number.slice(0, 40) : '';
        return renderNumberPage(deps, page, { then, error: parsed.message, number, country: parsed.country ?? body.country, channel }, 400);
      }
      const sent = await sendOrExplain(
        deps.emit,
        page,
        () => phone.send({ userId: page.userId, ip: page.ip, purpose: 'enroll', to: parsed.e164, channel }),
        sendFailedPage(page, { backHref: page.url(STEP + (then === 'manage' ? '?then=manage' : '')), ...leave(page, then) }),
      );
      if (!sent) return;
      page.setSessionState({ e164: parsed.e164, channel, startedAt: deps.options.clock(), then } satisfies PhoneSetup);
      await page.goTo(`${STEP}/verify`);
    }),

    route('GET', `${STEP}/verify`, async (page) => {
      const setup = await proving(page);
      if (setup) await renderCodePage(deps, page, setup, null, setup.resent ? { resent: true, failure: null } : null);
    }),

    route('POST', `${STEP}/verify`, async (page) => {
      const setup = await proving(page);
      if (!setup) return;
      const outcome = await deps.attempts.run({
        userId: page.userId,
        ip: page.ip,
        method: PHONE_ID,
        check: async () => (await checkEnrollmentCode(phone, page.userId, setup.e164, page.body.code)) ?? { ok: true, factorId: await addPhone(deps, page.userId, setup.e164) },
        confirm: (factorId) => confirmPhone(deps, page, factorId, setup),
      });
      if (!outcome.ok) return renderCodePage(deps, page, setup, outcome.error, null);
      page.setSessionState(undefined);
      await page.goTo(after(page, setup.then));
    }),

    route('POST', `${STEP}/resend`, async (page) => {
      const setup = await proving(page);
      if (!setup) return;
      const channel = parseChannel(page.body.channel);
      // A failed resend keeps the code page: the code already sent still works.
      const sent = await sendOrExplain(
        deps.emit,
        page,
        () => phone.send({ userId: page.userId, ip: page.ip, purpose: 'enroll', to: setup.e164, channel }),
        (error) => renderCodePage(deps, page, setup, null, failedResend(error, deps.options.clock()), error.status),
      );
      if (!sent) return;
      page.setSessionState({ ...setup, channel, resent: true } satisfies PhoneSetup);
      await page.goTo(`${STEP}/verify`);
    }),
  ];
}

/** Stores the proven number as an unconfirmed factor; returns its id. */
async function addPhone(deps: PhoneSetupDeps, userId: string, e164: string): Promise<string> {
  const id = randomId(deps.options.random);
  await deps.store.core.createFactor({
    id, userId, type: PHONE_ID, label: maskPhone(e164), sealedSecret: null,
    data: { e164 }, createdAt: deps.options.clock(), confirmedAt: null, lastUsedAt: null, lastStep: null,
  });
  return id;
}

/** Makes the new number the user's backup phone (replacing an older one) and tells the user, the audit log and the host. */
async function confirmPhone(deps: PhoneSetupDeps, page: MethodPage, factorId: string, setup: PhoneSetup): Promise<string | null> {
  const { store, options } = deps;
  const { e164 } = setup;
  const userId = page.userId;
  const previous = verifiedPhoneIn(await store.core.listFactors(userId));
  if (!(await store.core.confirmFactor(userId, factorId, options.clock()))) return null;
  if (previous && (await store.core.deleteFactor(userId, previous.id))) page.removedHere(previous.id);
  page.notify(setup.then === 'wizard' ? 'Backup phone verified.' : previous ? 'Backup phone changed.' : 'Backup phone added.');
  await notifyPhoneChanged(
    { emit: deps.emit, clock: options.clock, onPhoneChanged: options.onPhoneChanged },
    { userId, action: previous ? 'changed' : 'added', phone: e164, previousPhone: previous?.data.e164 ?? null, ip: page.ip },
  );
  return factorId;
}

interface NumberPageLocals {
  then: PhoneSetup['then'];
  error?: string;
  number?: string;
  country?: unknown;
  channel?: string;
}

async function renderNumberPage(deps: PhoneSetupDeps, page: MethodPage, locals: NumberPageLocals, status = 200): Promise<void> {
  const current = verifiedPhoneIn(await deps.store.core.listFactors(page.userId));
  const configured = typeof locals.country === 'string' ? locals.country : deps.options.phone.defaultCountry;
  await page.render('setup-phone', {
    title: current ? 'Change your backup phone' : 'Add a backup phone',
    countries: countryOptions(deps.options.phone.allowedCountries),
    selectedCountry: defaultCountry(configured, page.acceptsLanguages, deps.options.phone.allowedCountries),
    number: locals.number ?? '',
    channel: locals.channel ?? 'sms',
    then: locals.then,
    current: current ? maskPhone(current.data.e164) : null,
    error: locals.error ?? null,
  }, status, { wizardStep: locals.then === 'wizard' });
}

async function renderCodePage(
  deps: PhoneSetupDeps,
  page: MethodPage,
  setup: PhoneSetup,
  error: MfaError | null,
  notice: SendNotice | null,
  status = error?.status ?? 200,
): Promise<void> {
  if (error) page.retryAfter(error);
  await page.render('setup-phone-verify', {
    title: 'Verify your phone',
    masked: maskPhone(setup.e164),
    channel: setup.channel,
    digits: deps.phone.digits,
    error: error?.message ?? null,
    notice,
    then: setup.then,
  }, status, { wizardStep: setup.then === 'wizard' });
}
