import type { MfaError } from '../../errors.js';
import type { Emit } from '../../events.js';
import { formatDay } from '../../format-time.js';
import type { MethodPage, MethodRoute } from '../page.js';
import { RECOVERY_CODE_COUNT } from './recovery-codes.js';
import type { RecoveryCodes } from './recovery-codes.js';

const SIGN_IN = '/verify/recovery';
const USED = '/verify/recovery/used';

export interface RecoveryPageDeps {
  codes: RecoveryCodes;
  emit: Emit;
  issuer: string;
  clock: () => number;
}

/** The wizard's "Recovery codes" step, signing in with one, and a new set from Security info. */
export function recoveryRoutes(deps: RecoveryPageDeps): MethodRoute[] {
  return [
    {
      method: 'GET',
      path: '/setup/recovery-codes',
      access: 'fresh',
      async handle(page) {
        // Only a user without codes gets a set here: adding a second method must not silently
        // replace codes already written down, and a reload must not show new ones.
        if ((await deps.codes.remaining(page.userId)) > 0) return page.goTo(page.nextSetupPage());
        await showNewCodes(deps, page, page.nextSetupPage(), true);
      },
    },
    {
      method: 'POST',
      path: '/manage/recovery-codes',
      access: 'fresh',
      returnTo: '/manage',
      handle: (page) => showNewCodes(deps, page, '/manage'),
    },
    { method: 'GET', path: SIGN_IN, access: 'sign-in', handle: (page) => renderSignIn(page, null) },
    {
      method: 'POST',
      path: SIGN_IN,
      access: 'sign-in',
      async handle(page) {
        const error = await page.verify({ then: USED });
        if (error) await renderSignIn(page, error);
      },
    },
    {
      method: 'GET',
      path: USED,
      access: 'fresh',
      async handle(page) {
        const remaining = await deps.codes.remaining(page.userId);
        await page.render('recovery-code-used', { title: 'Recovery code accepted', remaining, continueHref: page.returnTo });
      },
    },
  ];
}

/** Makes a new set (the old one stops working) and shows it, in this response only. */
async function showNewCodes(deps: RecoveryPageDeps, page: MethodPage, doneHref: string, wizardStep = false): Promise<void> {
  const codes = await deps.codes.generate(page.userId);
  deps.emit({ type: 'recovery_codes.generated', userId: page.userId, ip: page.ip });
  const date = formatDay(deps.clock());
  const text = [
    `${deps.issuer} recovery codes for ${page.accountName}`,
    `Made on ${date}. Each code works once; making new codes ends these.`,
    '',
    ...codes,
    '',
  ].join('\n');
  // Shown in this response only (Cache-Control: no-store): the codes are in no session, store or log.
  await page.render('recovery-codes', {
    title: 'Recovery codes',
    codes,
    count: RECOVERY_CODE_COUNT,
    accountName: page.accountName,
    date,
    downloadHref: `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`,
    downloadName: `${deps.issuer.replace(/[^A-Za-z0-9._-]+/g, '-')}-recovery-codes.txt`,
    doneHref: page.url(doneHref),
  }, 200, { wizardStep });
}

async function renderSignIn(page: MethodPage, error: MfaError | null): Promise<void> {
  if (error) page.retryAfter(error);
  await page.render('verify-recovery', { title: 'Use a recovery code', error: error?.message ?? null }, error?.status ?? 200);
}
