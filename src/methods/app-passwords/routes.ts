import { safeEqual } from '../../crypto/safe-equal.js';
import { AppPasswordLimitError, InvalidInputError, NotFoundError } from '../../errors.js';
import type { Emit } from '../../events.js';
import { formatDay } from '../../format-time.js';
import type { RandomSource } from '../../crypto/random.js';
import type { AppPasswordRecord } from '../../stores/facets/app-passwords.js';
import type { MethodPage, MethodRoute } from '../page.js';
import type { AppPasswordMethod } from './app-password-method.js';

const SETUP_STEP = '/setup/app-passwords';
const REVOKE = '/manage/app-passwords/:id/revoke';

export interface AppPasswordPageDeps {
  appPasswords: AppPasswordMethod;
  emit: Emit;
  random: RandomSource;
  maxPerUser: number;
}

/** Where one of the two app-password forms posts and where its other buttons lead (paths under basePath). */
interface FormPlace {
  /** A step of the first-run wizard (its step indicator; "Continue" on to the summary, not a second "Done"). */
  wizardStep: boolean;
  /** The form page (GET) and its action (POST). */
  get: string;
  post: string;
  /** "Done" after creating one. */
  done(page: MethodPage): string;
  /** The way out without creating one. */
  leave(page: MethodPage): { href: string; label: string };
}

const WIZARD: FormPlace = {
  wizardStep: true,
  get: SETUP_STEP,
  post: SETUP_STEP,
  done: (page) => page.nextSetupPage(),
  leave: (page) => ({ href: page.nextSetupPage(), label: 'Skip' }),
};
const MANAGE: FormPlace = {
  wizardStep: false,
  get: '/manage/app-passwords/new',
  post: '/manage/app-passwords',
  done: () => '/manage',
  leave: () => ({ href: '/manage', label: 'Cancel' }),
};

/** The one-time token of the form shown last: a resubmitted (reloaded) form creates nothing. */
interface FormState {
  token: string;
}

/** App passwords: the setup-wizard step, creating more and revoking from Security info. */
export function appPasswordRoutes(deps: AppPasswordPageDeps): MethodRoute[] {
  const routes: MethodRoute[] = [WIZARD, MANAGE].flatMap((place): MethodRoute[] => [
    { method: 'GET', path: place.get, access: 'fresh', handle: (page) => renderForm(deps, page, place, null) },
    { method: 'POST', path: place.post, access: 'fresh', returnTo: place.get, handle: (page) => create(deps, page, place) },
  ]);
  routes.push({
    method: 'GET',
    path: REVOKE,
    access: 'fresh',
    returnTo: '/manage',
    async handle(page) {
      const record = await ownAppPassword(deps, page);
      await page.render('manage-confirm', {
        title: `Revoke “${record.name}”?`,
        heading: `Revoke “${record.name}”?`,
        consequence: `Apps that sign in with “${record.name}” will be refused from now on. You can create a new app password for them afterwards.`,
        warnings: [],
        action: page.url(`/manage/app-passwords/${encodeURIComponent(record.id)}/revoke`),
        confirmLabel: 'Revoke',
        cancelHref: page.url('/manage'),
      });
    },
  }, {
    method: 'POST',
    path: REVOKE,
    access: 'fresh',
    returnTo: '/manage',
    async handle(page) {
      const record = await ownAppPassword(deps, page);
      if (!(await deps.appPasswords.revoke(page.userId, record.id))) throw new NotFoundError('That app password does not exist.');
      deps.emit({ type: 'app_password.revoked', userId: page.userId, ip: page.ip, appPasswordId: record.id, reason: 'user' });
      page.notify(`App password “${record.name}” was revoked.`);
      await page.goTo('/manage');
    },
  });
  return routes;
}

/** The user's own app password named in the path; anyone else's, or none, is 404. */
async function ownAppPassword(deps: AppPasswordPageDeps, page: MethodPage): Promise<AppPasswordRecord> {
  const record = (await deps.appPasswords.list(page.userId)).find((p) => p.id === page.params.id);
  if (!record) throw new NotFoundError('That app password does not exist.');
  return record;
}

async function create(deps: AppPasswordPageDeps, page: MethodPage, place: FormPlace): Promise<void> {
  const { body } = page;
  const expected = page.sessionState<FormState>()?.token;
  page.setSessionState(undefined);
  // A reload of the result page resubmits the form: create nothing, show the empty form again.
  if (typeof expected !== 'string' || typeof body.form !== 'string' || !safeEqual(expected, body.form)) return page.goTo(place.get);
  let created;
  try {
    created = await deps.appPasswords.create(page.userId, body.name);
  } catch (error) {
    if (!(error instanceof InvalidInputError || error instanceof AppPasswordLimitError)) throw error;
    return renderForm(deps, page, place, error, typeof body.name === 'string' ? body.name : '');
  }
  deps.emit({ type: 'app_password.created', userId: page.userId, ip: page.ip, appPasswordId: created.record.id });
  // Shown in this response only (Cache-Control: no-store): it is in no session, store or log.
  await page.render('app-password-created', {
    title: 'Your app password',
    name: created.record.name,
    password: created.password,
    accountName: page.accountName,
    expiresAt: created.record.expiresAt === null ? null : formatDay(created.record.expiresAt),
    doneHref: page.url(place.done(page)),
    doneLabel: place.wizardStep ? 'Continue' : 'Done',
  }, 201, { wizardStep: place.wizardStep });
}

async function renderForm(deps: AppPasswordPageDeps, page: MethodPage, place: FormPlace, error: InvalidInputError | AppPasswordLimitError | null, name = ''): Promise<void> {
  const token = deps.random(16).toString('base64url');
  page.setSessionState({ token } satisfies FormState);
  const leave = place.leave(page);
  await page.render('setup-app-passwords', {
    title: 'App passwords',
    error: error?.message ?? null,
    name,
    formToken: token,
    action: page.url(place.post),
    leave: { href: page.url(leave.href), label: leave.label },
    maxPerUser: deps.maxPerUser,
  }, error?.status ?? 200, { wizardStep: place.wizardStep });
}
