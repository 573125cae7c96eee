import { PROTOCOL_VERSION } from './protocol-version.js';

/**
 * The enrollment QR text: `passport-mfa-push://activate?v=1&url=<activation URL>&code=<digits>`.
 * Shared by the server (building it) and clients (parsing it, or Code + URL typed by hand).
 * No Node or DOM imports.
 */
const ENROLLMENT_SCHEME = 'passport-mfa-push:';

export interface Enrollment {
  /** The activation URL, `<origin><basePath>/device/activate/<activationId>`. */
  url: string;
  /** The activation code, digits only. */
  code: string;
}

export function buildEnrollmentUri(enrollment: Enrollment): string {
  return `${ENROLLMENT_SCHEME}//activate?v=${PROTOCOL_VERSION}&url=${encodeURIComponent(enrollment.url)}&code=${enrollment.code}`;
}

/**
 * Parses QR text; throws TypeError with a reason a person can act on. Without `v` it is version 1
 * (QR codes made before the parameter existed); unknown parameters are ignored.
 */
export function parseEnrollmentUri(text: string): Enrollment {
  let uri: URL;
  try {
    uri = new URL(text.trim());
  } catch {
    throw new TypeError('That is not a passport-mfa activation code (not a URI).');
  }
  if (uri.protocol !== ENROLLMENT_SCHEME || uri.host !== 'activate') {
    throw new TypeError(`That is not a passport-mfa activation code (expected ${ENROLLMENT_SCHEME}//activate?...).`);
  }
  const version = uri.searchParams.get('v');
  if (version !== null && version !== String(PROTOCOL_VERSION)) {
    throw new TypeError(`This activation code needs a newer app (push protocol version ${version.slice(0, 8)}; this app speaks version ${PROTOCOL_VERSION}).`);
  }
  return checkEnrollment(uri.searchParams.get('url') ?? '', uri.searchParams.get('code') ?? '');
}

/** Validates Code + URL as a person typed them (spaces and hyphens in the code are dropped). */
export function checkEnrollment(url: string, code: string): Enrollment {
  const digits = code.replace(/[\s-]/g, '');
  if (!/^[0-9]{9,32}$/.test(digits)) throw new TypeError('The code is the digits shown next to "Code".');
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new TypeError('The URL is the address shown next to "URL", starting with https://.');
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && local)) {
    throw new TypeError('The URL must start with https:// (http:// only for localhost).');
  }
  if (!/\/device\/activate\/[A-Za-z0-9_-]{16,}$/.test(parsed.pathname) || parsed.search || parsed.hash) {
    throw new TypeError('The URL must be the activation address shown next to "URL".');
  }
  return { url: parsed.href, code: digits };
}
