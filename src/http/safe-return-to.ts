const BASE = 'http://return-to.invalid';

/**
 * Returns `value` if it is a same-origin path (e.g. '/account?tab=1'), else `fallback`.
 * Refuses absolute and protocol-relative URLs ('//evil', '/\\evil', 'https://evil'), schemes
 * ('javascript:'), control characters and anything the URL parser would move to another host.
 */
export function safeReturnTo(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  // Dot segments can collapse into a protocol-relative path: '/..//evil.com' becomes '//evil.com'.
  if (url.pathname.startsWith('//')) return fallback;
  return url.pathname + url.search + url.hash;
}
