import type { MfaContext } from '../context.js';

/**
 * The setup wizard's optional steps after the mobile app (one-time password or notification) is
 * verified, in order; paths under basePath. Each step's "Done"/"Skip" goes to the next one.
 */
export const SETUP_STEPS_AFTER_APP = ['/setup/phone', '/setup/app-passwords'] as const;
type AfterAppStep = (typeof SETUP_STEPS_AFTER_APP)[number];

/** The mobile-app steps the wizard starts with; the optional steps follow either of them. */
const APP_STEPS: readonly string[] = ['/setup/totp', '/setup/push'];

/**
 * Which optional steps this instance offers: the backup phone only with an `sms` transport, app
 * passwords only when `appPasswords.findUser` lets the Basic strategy use them.
 */
export function enabledSetupSteps(ctx: MfaContext): ReadonlySet<AfterAppStep> {
  const steps = new Set<AfterAppStep>();
  if (ctx.phone) steps.add('/setup/phone');
  if (ctx.options.appPasswords.findUser) steps.add('/setup/app-passwords');
  return steps;
}

/** The page after `current` (a mobile-app step or an optional one): the next enabled step, or '/setup/done'. */
export function nextSetupStep(current: string, enabled: ReadonlySet<string> = new Set(SETUP_STEPS_AFTER_APP)): string {
  const from = APP_STEPS.includes(current) ? 0 : (SETUP_STEPS_AFTER_APP as readonly string[]).indexOf(current) + 1;
  if (from === 0 && !APP_STEPS.includes(current)) return '/setup/done';
  return SETUP_STEPS_AFTER_APP.slice(from).find((step) => enabled.has(step)) ?? '/setup/done';
}
