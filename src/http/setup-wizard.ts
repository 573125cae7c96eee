/**
 * The setup wizard's steps after the mobile app (TOTP) is verified, in order; paths under basePath.
 * POST /setup/totp continues with the first of them, and each step's "Done"/"Skip" with the next.
 */
export const SETUP_STEPS_AFTER_APP = ['/setup/phone', '/setup/app-passwords'] as const;

const ORDER: readonly string[] = ['/setup/totp', ...SETUP_STEPS_AFTER_APP];

/** The page after `current` ('/setup/totp' or one of SETUP_STEPS_AFTER_APP): the next step, or '/setup/done'. */
export function nextSetupStep(current: string): string {
  const index = ORDER.indexOf(current);
  return (index >= 0 ? ORDER[index + 1] : undefined) ?? '/setup/done';
}
