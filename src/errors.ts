import { plural } from './plural.js';

/**
 * Every failure passport-mfa raises on purpose is an MfaError: it carries the HTTP status to
 * answer with, a stable machine-readable `code`, and whether its message is safe to show (`expose`).
 * Anything else that escapes is a bug and is answered as a generic failure.
 */
export class MfaError extends Error {
  readonly status: number;
  readonly code: string;
  readonly expose: boolean;

  constructor(status: number, code: string, message: string, options: { expose?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.expose = options.expose ?? status < 500;
  }
}

/** Options passed to createMfa() or a store are wrong; thrown at startup. */
export class ConfigurationError extends MfaError {
  constructor(message: string) {
    super(500, 'configuration_error', message, { expose: false });
  }
}

/** The request names a host (Host header) that the app is not configured for (push.allowedOrigins). */
export class UntrustedHostError extends MfaError {
  constructor() {
    super(400, 'untrusted_host', 'This page was requested at an address this app is not set up for. Open the app at its usual address.');
  }
}

/** The request was malformed: wrong type, missing field, out-of-range length. */
export class InvalidInputError extends MfaError {
  constructor(message: string, code = 'invalid_input') {
    super(400, code, message);
  }
}

/** The submitted factor was wrong (bad code, replayed code). */
export class VerificationFailedError extends MfaError {
  constructor(message = 'That code is not valid. Check your authenticator app and try again.') {
    super(401, 'verification_failed', message);
  }
}

/** Too many consecutive failures; the account's second step is locked for a while. */
export class LockedOutError extends MfaError {
  readonly retryAfterSeconds: number | null;
  constructor(retryAfterSeconds: number | null) {
    super(
      429,
      'locked_out',
      retryAfterSeconds === null
        ? 'Too many failed attempts. Your second step is locked until an administrator unlocks it.'
        : `Too many failed attempts. Try again in ${plural(Math.max(1, Math.ceil(retryAfterSeconds / 60)), 'minute')}.`,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The CSRF token was missing or did not match the session's. */
export class CsrfError extends MfaError {
  constructor() {
    super(403, 'csrf_failed', 'The form expired or was not sent from this site. Reload the page and try again.');
  }
}

/** No signed-in user, or a second-step page was reached out of order. */
export class NotSignedInError extends MfaError {
  constructor(message = 'Sign in first.') {
    super(401, 'not_signed_in', message);
  }
}

/** This session was signed out elsewhere ("Sign out everywhere", "This wasn't me", an administrator) or lost the factor it signed in with. */
export class SessionRevokedError extends MfaError {
  constructor() {
    super(401, 'session_revoked', 'You were signed out. Sign in again.');
  }
}

/** Deleting this method would leave the account with a password only. */
export class LastMethodError extends MfaError {
  constructor() {
    super(409, 'last_method', "This is your only sign-in method, so it can't be deleted. Add another method first, then delete this one.");
  }
}

/** A step-up that only a security key or passkey can complete was tried with another method. */
export class PhishingResistantRequiredError extends MfaError {
  constructor() {
    super(403, 'phishing_resistant_required', 'This page needs a security key or passkey. Verify with one of those.');
  }
}

/** The half-finished sign-in or enrollment expired or never existed. */
export class PendingExpiredError extends MfaError {
  constructor(message = 'This sign-in step expired. Start again.') {
    super(409, 'pending_expired', message);
  }
}

/** The requested thing does not exist or does not belong to the user. */
export class NotFoundError extends MfaError {
  constructor(message = 'Not found.') {
    super(404, 'not_found', message);
  }
}

/** The store (or another backing service) failed: the second step is refused, never skipped. */
export class StoreUnavailableError extends MfaError {
  constructor(cause?: unknown) {
    super(503, 'store_unavailable', 'The sign-in service is temporarily unavailable. Try again shortly.', {
      expose: true,
      cause,
    });
  }
}

/** The SMS/voice transport refused or failed: no code was stored as sent; the user tries another method. */
export class PhoneTransportError extends MfaError {
  constructor(cause?: unknown) {
    super(503, 'phone_unavailable', "We couldn't send a code to your phone right now. Try again in a few minutes, or use another method.", {
      expose: true,
      cause,
    });
  }
}

/** The number is not in one of the countries codes may be sent to (phone.allowedCountries). */
export class PhoneDestinationRefusedError extends MfaError {
  constructor() {
    super(403, 'phone_destination_refused', 'Sign-in codes cannot be sent to this number\'s country. Use another method, or add a phone number in another country.');
  }
}

/** Too many codes were sent to this account or from this network in the last hour (SMS toll fraud). */
export class PhoneSendLimitError extends MfaError {
  readonly scope: 'user' | 'ip';
  /** The limits count per hour. */
  readonly retryAfterSeconds = 3600;
  constructor(scope: 'user' | 'ip') {
    super(429, 'phone_send_limit', 'Too many codes were sent in the last hour. Try again later, or use another method.');
    this.scope = scope;
  }
}

/** The user already holds the most app passwords allowed (appPasswords.maxPerUser). */
export class AppPasswordLimitError extends MfaError {
  constructor(max: number) {
    super(409, 'app_password_limit', `You already have ${max} app passwords, the most allowed. Revoke one you no longer use, then create a new one.`);
  }
}

// ───────────── Push notifications (docs/push-protocol.md) ─────────────

/**
 * A device request failed authentication. Deliberately one answer for every reason (unknown or
 * foreign device, bad signature, stale timestamp, replayed nonce) so a caller learns nothing.
 */
export class DeviceUnauthorizedError extends MfaError {
  constructor() {
    super(401, 'unauthorized', 'Request not accepted.');
  }
}

/** A device request or message is written in a protocol version this server does not speak. */
export class UnsupportedVersionError extends MfaError {
  readonly supportedVersions: readonly number[];
  constructor(supportedVersions: readonly number[]) {
    super(400, 'unsupported_version', `This server speaks version ${supportedVersions.join(', ')} of the push protocol. Update the app, or set it up again.`);
    this.supportedVersions = supportedVersions;
  }
}

/** The activation failed: unknown, expired, used or burned activation, or a wrong code (one answer for all). */
export class ActivationFailedError extends MfaError {
  constructor() {
    super(403, 'activation_failed', 'Activation failed. Check the code, or set up the app again in your browser.');
  }
}

/** Too many attempts from this client or for this user; retry later. */
export class RateLimitedError extends MfaError {
  readonly retryAfterSeconds: number;
  constructor(
    retryAfterSeconds: number,
    message = `Too many failed sign-in attempts. Try again in ${plural(Math.max(1, Math.ceil(retryAfterSeconds / 60)), 'minute')}.`,
    code = 'rate_limited',
  ) {
    super(429, code, message);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

/** The challenge is unknown, expired, already answered, or not addressed to this device (one answer for all). */
export class ChallengeUnavailableError extends MfaError {
  constructor() {
    super(410, 'challenge_unavailable', 'This request is no longer waiting for an answer.');
  }
}

/** The typed number did not match the browser's: the challenge failed. */
export class NumberMismatchError extends MfaError {
  constructor() {
    super(409, 'number_mismatch', 'The number did not match. The sign-in request was rejected.');
  }
}

/** The PIN was wrong (or missing): like a wrong number, the challenge failed. */
export class PinIncorrectError extends MfaError {
  readonly attemptsLeft: number;
  constructor(attemptsLeft: number) {
    super(403, 'pin_incorrect', `Wrong PIN: the sign-in request was rejected. ${plural(attemptsLeft, 'attempt')} left before this device is disabled.`);
    this.attemptsLeft = attemptsLeft;
  }
}

/** The device was disabled (too many wrong PINs) and must be set up again. */
export class DeviceDisabledError extends MfaError {
  constructor() {
    super(403, 'device_disabled', 'This device is disabled. Set up notifications again in your browser.');
  }
}

/** A push sign-in cannot complete (yet): pending, denied, failed, reported or expired; `code` says which. */
export type PushNotApprovedCode = 'push_pending' | 'push_denied' | 'push_failed' | 'push_reported' | 'push_expired' | 'push_unavailable';

export class PushNotApprovedError extends MfaError {
  constructor(code: PushNotApprovedCode, message: string) {
    super(code === 'push_pending' ? 409 : 401, code, message);
  }
}

/**
 * When to come back after `error`, in seconds, for a Retry-After header: a rate limit or a time
 * lock says so itself, a store outage is worth retrying in 30 s; null when it does not apply.
 */
export function retryAfterSeconds(error: unknown): number | null {
  if (error instanceof StoreUnavailableError) return 30;
  if (error instanceof MfaError && 'retryAfterSeconds' in error && typeof error.retryAfterSeconds === 'number') return error.retryAfterSeconds;
  return null;
}
