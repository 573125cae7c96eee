import { InvalidInputError, NotFoundError } from '../../errors.js';
import type { MfaError } from '../../errors.js';
import type { CoreStore } from '../../stores/facets/core.js';
import type { MethodPage, MethodRoute } from '../page.js';
import { SECURITY_KEY_ID, validateKeyName } from './security-keys.js';
import type { SecurityKeys } from './security-keys.js';

const SETUP = '/setup/security-key';
const SIGN_IN = '/verify/security-key';

/**
 * The security key's pages. Each ceremony's options come from a POST of its own form (the page
 * script asks for them when the button is pressed), so every press gets a fresh challenge kept in
 * the pending sign-in, and no page embeds one that a reload would leave stale.
 */
export function securityKeyRoutes(keys: SecurityKeys, core: CoreStore): MethodRoute[] {
  return [
    { method: 'GET', path: SETUP, access: 'enrolling', handle: (page) => renderSetup(page, null, '') },
    {
      method: 'POST',
      path: `${SETUP}/options`,
      access: 'enrolling',
      async handle(page) {
        const { options, state } = await keys.registrationOptions({ userId: page.userId, accountName: page.accountName });
        page.setPendingState(state);
        sendJson(page, options);
      },
    },
    {
      method: 'POST',
      path: SETUP,
      access: 'enrolling',
      async handle(page) {
        const error = await page.verify();
        if (error) await renderSetup(page, error, typeof page.body.name === 'string' ? page.body.name.slice(0, 64) : '');
      },
    },
    {
      method: 'POST',
      path: `${SIGN_IN}/options`,
      access: 'sign-in',
      async handle(page) {
        const factors = (await core.listFactors(page.userId)).filter((f) => f.type === SECURITY_KEY_ID);
        const made = await keys.signInOptions(page.userId, factors);
        if (!made) throw new NotFoundError('No security key is registered to this account.');
        page.setPendingState(made.state);
        sendJson(page, made.options);
      },
    },
    {
      method: 'POST',
      path: SIGN_IN,
      access: 'sign-in',
      async handle(page) {
        const error = await page.verify();
        if (error) await page.renderSignIn(error);
      },
    },
    { method: 'GET', path: '/manage/security-keys/:id/rename', access: 'fresh', returnTo: '/manage', handle: (page) => renderRename(keys, page, null) },
    {
      method: 'POST',
      path: '/manage/security-keys/:id/rename',
      access: 'fresh',
      returnTo: '/manage',
      async handle(page) {
        let name: string;
        try {
          name = validateKeyName(page.body.name);
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error;
          return renderRename(keys, page, error);
        }
        if (!(await keys.rename(page.userId, page.params.id!, name))) throw new NotFoundError('That security key does not exist.');
        await page.goTo('/manage');
      },
    },
  ];
}

async function renderSetup(page: MethodPage, error: MfaError | null, name: string): Promise<void> {
  if (error) page.retryAfter(error);
  await page.render('setup-security-key', {
    title: 'Register security key',
    error: error?.message ?? null,
    name,
  }, error?.status ?? 200);
}

async function renderRename(keys: SecurityKeys, page: MethodPage, error: InvalidInputError | null): Promise<void> {
  const key = (await keys.list(page.userId)).find((k) => k.id === page.params.id);
  if (!key) throw new NotFoundError('That security key does not exist.');
  await page.render('rename-security-key', {
    title: 'Rename security key',
    error: error?.message ?? null,
    name: typeof page.body.name === 'string' ? page.body.name.slice(0, 64) : key.name,
    action: page.url(`/manage/security-keys/${encodeURIComponent(key.id)}/rename`),
    cancelHref: page.url('/manage'),
  }, error?.status ?? 200);
}

function sendJson(page: MethodPage, value: unknown): void {
  page.send('application/json', Buffer.from(JSON.stringify(value)));
}
