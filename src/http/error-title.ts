import type { MfaError } from '../errors.js';

/** Page titles that say what happened; a lockout or an expired page is not "Something went wrong". */
const TITLES: Record<string, string> = {
  locked_out: 'Too many attempts',
  rate_limited: 'Too many attempts',
  phone_send_limit: 'Too many codes sent',
  push_blocked: 'Notifications are paused',
  push_cooldown: 'Notifications are paused',
  push_budget_exhausted: 'Notifications are paused',
  csrf_failed: 'This page expired',
  pending_expired: 'This sign-in step expired',
  not_signed_in: 'Sign in first',
  not_found: 'Page not found',
  store_unavailable: 'Temporarily unavailable',
  phone_unavailable: "We couldn't reach your phone",
  phone_destination_refused: "Codes can't be sent to this number",
  verification_failed: "That didn't work",
  invalid_input: 'Check what you entered',
  body_too_large: 'Check what you entered',
  bad_request: 'Check what you entered',
  app_password_limit: 'Too many app passwords',
  untrusted_host: 'Wrong address',
  session_revoked: 'You were signed out',
  last_method: "This method can't be deleted",
  phishing_resistant_required: 'A security key is needed',
  challenge_unavailable: 'This request has ended',
};

export function errorTitle(error: Pick<MfaError, 'code' | 'status'>): string {
  return TITLES[error.code] ?? (error.status === 404 ? 'Page not found' : 'Something went wrong');
}
