/**
 * The setup wizard's steps after the mobile app is verified, in order (paths under basePath).
 * Each step's page offers "Skip", which, like finishing it, goes to nextSetupStep().
 */
export const SETUP_STEPS_AFTER_APP = ['/setup/phone'] as const;

/** The step after `current` ('/setup/totp' or one of SETUP_STEPS_AFTER_APP), or '/setup/done'. */
export function nextSetupStep(current: string): string {
  const steps: readonly string[] = SETUP_STEPS_AFTER_APP;
  const next = current === '/setup/totp' ? steps[0] : steps[steps.indexOf(current) + 1];
  return steps.includes(current) || current === '/setup/totp' ? (next ?? '/setup/done') : '/setup/done';
}
