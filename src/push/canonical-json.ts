/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): object members sorted by key as UTF-16 code
 * units, no whitespace, strings escaped and numbers written as ECMAScript's JSON.stringify does
 * (which is what RFC 8785 §3.2.2 specifies). Server and clients sign and verify exactly these
 * bytes, so the same object always produces the same signature input.
 *
 * Input must be I-JSON (RFC 7493, required by RFC 8785 §3.1): strings without lone surrogates
 * (they have no UTF-8 form) or Unicode noncharacters, finite numbers only. Anything else throws
 * a TypeError rather than producing bytes another implementation would not. No Node or DOM
 * imports: the browser client uses it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'string') return string(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: numbers must be finite');
    return JSON.stringify(value);
  }
  // Array.from visits holes as undefined, so a sparse array throws like an undefined element.
  if (Array.isArray(value)) return `[${Array.from(value, (item) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object' && isPlainObject(value)) {
    const members = Object.keys(value)
      .sort()
      .map((key) => {
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined) throw new TypeError(`canonicalJson: member "${key}" is undefined (omit it)`);
        return `${string(key)}:${canonicalJson(member)}`;
      });
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`canonicalJson: cannot encode ${value === undefined ? 'undefined' : `a ${typeof value}`}`);
}

/**
 * A lone surrogate, or a noncharacter (U+FDD0–U+FDEF, or a code point ending in FFFE/FFFF in any
 * plane): what RFC 7493 §2.1 forbids in I-JSON strings.
 */
const NOT_I_JSON = /\p{Surrogate}|\p{Noncharacter_Code_Point}/u;

function string(text: string): string {
  if (NOT_I_JSON.test(text)) throw new TypeError('canonicalJson: strings must not contain lone surrogates or noncharacters (RFC 7493 §2.1)');
  return JSON.stringify(text);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
