import QRCode from 'qrcode';
import type { MfaError } from '../../errors.js';
import type { FactorRecord } from '../../stores/facets/core.js';
import type { MethodPage, MethodRoute } from '../page.js';
import type { TotpMethod } from './totp-method.js';

/** Configure mobile app: the QR code and the manual details, then the first code confirms the factor. */
export function totpSetupRoutes(totp: TotpMethod): MethodRoute[] {
  return [
    { method: 'GET', path: '/setup/totp', access: 'enrolling', handle: (page) => renderSetup(totp, page, null) },
    {
      method: 'GET',
      path: '/setup/totp/qr.png',
      access: 'enrolling',
      async handle(page) {
        // A whole number of pixels per module: a fixed width gives fractional modules of uneven size.
        const png = await QRCode.toBuffer(totp.provisioning(enrolling(page)).uri, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 });
        page.send('image/png', png);
      },
    },
    {
      method: 'POST',
      path: '/setup/totp',
      access: 'enrolling',
      async handle(page) {
        const error = await page.verify();
        if (error) await renderSetup(totp, page, error);
      },
    },
  ];
}

/** POST /verify: the verify page's code form. */
export function totpVerifyRoute(): MethodRoute {
  return {
    method: 'POST',
    path: '/verify',
    access: 'sign-in',
    async handle(page) {
      const error = await page.verify();
      if (error) await page.renderSignIn(error);
    },
  };
}

async function renderSetup(totp: TotpMethod, page: MethodPage, error: MfaError | null): Promise<void> {
  const factor = enrolling(page);
  const p = totp.provisioning(factor);
  if (error) page.retryAfter(error);
  await page.render('setup-totp', {
    title: 'Configure mobile app',
    error: error?.message ?? null,
    provisioning: { ...p, groupedSecret: p.secret.match(/.{1,4}/g)!.join(' ') },
    qrSrc: page.url(`/setup/totp/qr.png?v=${encodeURIComponent(factor.id.slice(0, 8))}`),
  }, error?.status ?? 200);
}

function enrolling(page: MethodPage): FactorRecord {
  return page.enrolling!;
}
