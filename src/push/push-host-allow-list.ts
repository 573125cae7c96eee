/**
 * The browsers' push services: Chrome/Edge/Android (FCM), Firefox, Safari, and Windows (WNS, one
 * host per region, hence the wildcard). Subscriptions from any browser in use today point here.
 */
export const DEFAULT_PUSH_HOSTS: readonly string[] = Object.freeze([
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  'web.push.apple.com',
  '*.notify.windows.com',
]);

const LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const DOMAIN = new RegExp(`^(?:${LABEL}\\.)*${LABEL}$`);
// At least two labels after "*.", the last not numeric: "*.com" or "*.0.10" would allow far too much.
const WILDCARD = new RegExp(`^\\*\\.(?:${LABEL}\\.)+[a-z0-9-]*[a-z-][a-z0-9-]*$`);

/**
 * Checks and normalises (lower-cases) an allow-list: each entry a host name or IP literal as
 * `new URL()` writes it (no port, path or scheme), or `*.domain` for any host below domain.
 * Returns the list, or a problem to report.
 */
export function parseAllowedHosts(value: unknown): readonly string[] | string {
  if (!Array.isArray(value) || value.length === 0) return 'must be a non-empty array of host names, e.g. ["fcm.googleapis.com", "*.notify.windows.com"]';
  const hosts: string[] = [];
  for (const entry of value as unknown[]) {
    const host = typeof entry === 'string' ? entry.toLowerCase() : '';
    if (!(WILDCARD.test(host) || isExactHost(host))) {
      return `${JSON.stringify(entry)} is not a host name, IP literal or "*.domain" (no scheme, port, path or other wildcards)`;
    }
    hosts.push(host);
  }
  return Object.freeze(hosts);
}

/**
 * Whether `endpoint` (a URL) is on an allowed host: equal to an entry, or strictly below a
 * `*.domain` entry, compared case-insensitively on whole labels. IP literals match only an
 * identical entry, so internal addresses are reachable only when listed on purpose.
 */
export function endpointHostAllowed(endpoint: string, allowed: readonly string[]): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return false;
  }
  // A wildcard entry ends in a non-numeric label, so it never matches an IP address.
  if (!isExactHost(host)) return false;
  return allowed.some((entry) => (entry.startsWith('*.') ? host.endsWith(entry.slice(1)) : host === entry));
}

/** A host exactly as the URL parser writes it (so "LOCALHOST:443", "0x7f.1" or "a..b" are not). */
function isExactHost(host: string): boolean {
  if (!(DOMAIN.test(host) || /^\[[0-9a-f:.]+\]$/.test(host))) return false;
  try {
    return new URL(`https://${host}/`).hostname === host;
  } catch {
    return false;
  }
}
