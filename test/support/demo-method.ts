import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { randomId } from '../../src/crypto/random.js';
import { safeEqual } from '../../src/crypto/safe-equal.js';
import { VerificationFailedError } from '../../src/errors.js';
import type { SecondFactorMethod } from '../../src/methods/method.js';

/** Where the demo method's templates are: a host `views` directory (the package's own views/ stays untouched). */
export const DEMO_VIEWS = fileURLToPath(new URL('../../../test/fixtures/demo-views/', import.meta.url));

declare module '../../src/options.js' {
  interface MfaOptions {
    /** The demo method: one shared code (a stand-in for a real method's options). */
    demo?: { code: string; rank?: number };
  }
  interface ResolvedOptions {
    demo: { code: string; rank: number } | null;
  }
}

declare module '../../src/events.js' {
  interface MfaEventTypes {
    'demo.options_sent': true;
  }
}

/**
 * A method written only against the contract (src/methods/method.ts, page.ts), as a new method
 * would be: its own options, a choice in the wizard, an enrollment page, a browser ceremony
 * (options as JSON, then a JSON POST), an asset, a sign-in block, a Security info row with an
 * action. Its "secret" is a code from the options: it proves the plumbing, not a factor.
 */
export const demoMethod: SecondFactorMethod = {
  id: 'demo',
  name: 'Demo code',
  options: {
    key: 'demo',
    schema: z.object({ code: z.string().regex(/^[0-9]{6}$/, 'must be 6 digits'), rank: z.number().int().optional() }).strict(),
    resolve: (value) => (value === undefined ? null : { rank: 0, ...(value as { code: string; rank?: number }) }),
  },
  enabled: (options) => options.demo !== null,
  storeNeeds: () => [],
  setup: { kind: 'choice', contact: { value: 'demo', label: 'Demo code' }, position: 30, page: '/setup/demo', done: 'The demo code is set up.' },
  signInRank: 0,
  create({ options, store, emit }) {
    const settings = options.demo!;
    return {
      async beginSetup({ userId }) {
        const id = randomId(options.random);
        await store.core.createFactor({ id, userId, type: 'demo', label: 'Demo', sealedSecret: null, data: {}, createdAt: options.clock(), confirmedAt: null, lastUsedAt: null, lastStep: null });
        return { factorId: id };
      },
      async verify({ factors, body, state, enrolling }) {
        const nonce = (state as { nonce?: string } | undefined)?.nonce;
        const code = typeof body.code === 'string' ? body.code : '';
        const noncePassed = enrolling || (typeof body.nonce === 'string' && nonce !== undefined && safeEqual(body.nonce, nonce));
        if (!factors[0] || !noncePassed || !safeEqual(code, settings.code)) return { ok: false, counts: true, reason: 'invalid_code', error: new VerificationFailedError('Wrong demo code.') };
        return { ok: true, factorId: factors[0].id };
      },
      signIn: {
        noun: 'the demo code',
        offer: async ({ own }) => (own.length > 0 ? { view: 'sign-in-demo', locals: {} } : null),
      },
      securityInfo: {
        row: async (factor) => ({ detail: `#${factor.id.slice(0, 4)}`, actions: [{ label: 'Rename', action: '/manage/demo/rename', fields: { id: factor.id } }] }),
      },
      assets: { 'demo.js': `${DEMO_VIEWS}demo-asset.js` },
      routes: [
        { method: 'GET', path: '/setup/demo', access: 'enrolling', handle: (page) => page.render('setup-demo', { title: 'Demo' }) },
        {
          method: 'POST',
          path: '/setup/demo',
          access: 'enrolling',
          async handle(page) {
            const error = await page.verify();
            if (error) page.json({ error: error.code, message: error.message }, error.status);
          },
        },
        {
          method: 'GET',
          path: '/verify/demo/options',
          access: 'sign-in',
          async handle(page) {
            const nonce = randomId(options.random);
            page.setPendingState({ nonce });
            emit({ type: 'demo.options_sent', userId: page.userId });
            page.json({ nonce });
          },
        },
        {
          method: 'POST',
          path: '/verify/demo',
          access: 'sign-in',
          async handle(page) {
            const error = await page.verify();
            if (error) page.json({ error: error.code, message: error.message }, error.status);
          },
        },
      ],
    };
  },
};
