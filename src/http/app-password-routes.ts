import { Router } from 'express';
import type { Request, Response } from 'express';
import type { MfaContext } from '../context.js';
import { AppPasswordLimitError, InvalidInputError, NotFoundError } from '../errors.js';
import { safeEqual } from '../crypto/safe-equal.js';
import { requireFreshSecondFactor } from './access.js';
import { formatDay, formatMinute } from './format-time.js';
import { formBody } from './form-body.js';
import { goToPage } from './flow.js';
import { handle } from './handle.js';
import { renderPage } from './respond.js';
import { sessionState } from './session-state.js';
import { enabledSetupSteps, nextSetupStep } from './setup-wizard.js';

const SETUP_STEP = '/setup/app-passwords';

/** Where one of the two app-password forms posts and where its other buttons lead (paths under basePath). */
interface FormPlace {
  /** The form page (GET) and its action (POST). */
  get: string;
  post: string;
  /** "Done" after creating one. */
  done: string;
  /** The way out without creating one. */
  leave: { href: string; label: string };
}

/** App passwords: the setup-wizard step, creating more and revoking from Security info. */
export function appPasswordRoutes(ctx: MfaContext): Router {
  const router = Router();
  const afterWizardStep = nextSetupStep(SETUP_STEP, enabledSetupSteps(ctx));
  const wizard: FormPlace = {
    get: SETUP_STEP, post: SETUP_STEP, done: afterWizardStep,
    leave: { href: afterWizardStep, label: 'Skip' },
  };
  const manage: FormPlace = {
    get: '/manage/app-passwords/new', post: '/manage/app-passwords', done: '/manage',
    leave: { href: '/manage', label: 'Cancel' },
  };
  for (const place of [wizard, manage]) {
    router.get(place.get, handle(ctx, async (req, res) => {
      if ((await signedIn(ctx, req, res, place)) === null) return;
      await renderForm(ctx, req, res, place, null);
    }));
    router.post(place.post, handle(ctx, async (req, res) => {
      const userId = await signedIn(ctx, req, res, place);
      if (userId === null) return;
      await create(ctx, req, res, place, userId);
    }));
  }

  router.post('/manage/app-passwords/:id/revoke', handle(ctx, async (req, res) => {
    const userId = await requireFreshSecondFactor(ctx, req, res, `${ctx.options.basePath}/manage`);
    if (userId === null) return;
    const id = String(req.params.id);
    if (!(await ctx.appPasswords.revoke(userId, id))) throw new NotFoundError('That app password does not exist.');
    ctx.emit({ type: 'app_password.revoked', userId, ip: req.ip, appPasswordId: id, reason: 'user' });
    await goToPage(ctx, req, res, '/manage');
  }));

  return router;
}

/** Rows for the Security info page. */
export async function appPasswordRows(ctx: MfaContext, userId: string) {
  if (!ctx.appPasswords.supported()) return [];
  const now = ctx.options.clock();
  return (await ctx.appPasswords.list(userId)).map((p) => ({
    id: p.id,
    name: p.name,
    createdAt: formatDay(p.createdAt),
    lastUsedAt: formatMinute(p.lastUsedAt),
    expires: p.expiresAt === null ? 'never' : ctx.appPasswords.isExpired(p, now) ? 'expired' : formatDay(p.expiresAt),
  }));
}

function signedIn(ctx: MfaContext, req: Request, res: Response, place: FormPlace): Promise<string | null> {
  return requireFreshSecondFactor(ctx, req, res, ctx.options.basePath + place.get);
}

async function create(ctx: MfaContext, req: Request, res: Response, place: FormPlace, userId: string): Promise<void> {
  const body = formBody(req);
  const state = sessionState(req);
  const expected = state.appPasswordForm;
  delete state.appPasswordForm;
  // A reload of the result page resubmits the form: create nothing, show the empty form again.
  if (typeof expected !== 'string' || typeof body.form !== 'string' || !safeEqual(expected, body.form)) {
    return goToPage(ctx, req, res, place.get);
  }
  let created;
  try {
    created = await ctx.appPasswords.create(userId, body.name);
  } catch (error) {
    if (!(error instanceof InvalidInputError || error instanceof AppPasswordLimitError)) throw error;
    return renderForm(ctx, req, res, place, error.message, error.status, typeof body.name === 'string' ? body.name : '');
  }
  ctx.emit({ type: 'app_password.created', userId, ip: req.ip, appPasswordId: created.record.id });
  // Shown in this response only (Cache-Control: no-store): it is in no session, store or log.
  await renderPage(ctx, req, res, 'app-password-created', {
    title: 'Your app password',
    name: created.record.name,
    password: created.password,
    accountName: ctx.options.getAccountName(req.user!),
    expiresAt: created.record.expiresAt === null ? null : formatDay(created.record.expiresAt),
    doneHref: ctx.options.basePath + place.done,
  }, 201);
}

async function renderForm(ctx: MfaContext, req: Request, res: Response, place: FormPlace, error: string | null, status = 200, name = ''): Promise<void> {
  const state = sessionState(req);
  state.appPasswordForm = ctx.options.random(16).toString('base64url');
  await renderPage(ctx, req, res, 'setup-app-passwords', {
    title: 'App passwords',
    error,
    name,
    formToken: state.appPasswordForm,
    action: ctx.options.basePath + place.post,
    leave: { href: ctx.options.basePath + place.leave.href, label: place.leave.label },
    maxPerUser: ctx.options.appPasswords.maxPerUser,
  }, status);
}
