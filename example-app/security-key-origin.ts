import type { WebAuthnOptions } from '../src/index.js';

/**
 * The sample app's security-key settings for the origin people reach it at: its host is the
 * relying-party id. Browsers offer WebAuthn only on https or on localhost, and never for an IP
 * address, so an origin such as `http://192.168.1.5:3000` (a phone on the same network trying
 * push) starts the app without security keys and says why, rather than not at all. A malformed
 * origin is passed on as it is, for createMfa()'s ConfigurationError to name.
 */
export function securityKeysAt(origin: string): { webauthn: WebAuthnOptions } | { off: string } {
  if (!URL.canParse(origin)) return { webauthn: { rpId: '', origin } };
  const { protocol, hostname } = new URL(origin);
  const localhost = hostname === 'localhost' || hostname.endsWith('.localhost');
  if (/^[\d.]+$/.test(hostname) || hostname.startsWith('[')) {
    return { off: `security keys are off: browsers do not offer them on an IP address (${origin}); use a host name, e.g. http://localhost:<port>` };
  }
  if (protocol !== 'https:' && !(protocol === 'http:' && localhost)) {
    return { off: `security keys are off: browsers offer them only on https or on localhost, not on ${origin}` };
  }
  return { webauthn: { rpId: hostname, origin } };
}
