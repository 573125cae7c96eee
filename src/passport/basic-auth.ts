/** Longer Authorization headers are refused before decoding: no honest Basic credential comes near. */
const MAX_HEADER_LENGTH = 1024;
const MAX_PART_LENGTH = 256;
const BASIC = /^basic +([A-Za-z0-9+/]+={0,2})$/i;
const CONTROL = /\p{Cc}/u;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface BasicCredentials {
  username: string;
  password: string;
}

export type BasicAuthParse = { ok: true; credentials: BasicCredentials } | { ok: false; reason: 'missing' | 'malformed' };

/**
 * Strict RFC 7617 parser: scheme "Basic", canonical base64 of valid UTF-8 "user:password" with a
 * non-empty user and password and no control characters. Anything else is 'malformed'.
 */
export function parseBasicAuth(header: string | undefined): BasicAuthParse {
  if (header === undefined || header === '') return { ok: false, reason: 'missing' };
  const malformed = { ok: false, reason: 'malformed' } as const;
  if (header.length > MAX_HEADER_LENGTH) return malformed;
  const encoded = BASIC.exec(header)?.[1];
  if (encoded === undefined || encoded.length % 4 !== 0) return malformed;
  const bytes = Buffer.from(encoded, 'base64');
  // Node's decoder ignores stray bits and bad padding; only a round trip proves it was canonical.
  if (bytes.toString('base64') !== encoded) return malformed;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return malformed;
  }
  const colon = text.indexOf(':');
  if (colon < 0) return malformed;
  const username = text.slice(0, colon);
  const password = text.slice(colon + 1);
  for (const part of [username, password]) {
    if (part.length === 0 || part.length > MAX_PART_LENGTH || CONTROL.test(part)) return malformed;
  }
  return { ok: true, credentials: { username, password } };
}
