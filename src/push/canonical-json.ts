/**
 * Canonical JSON (RFC 8785 JCS for the values the push protocol uses): object members sorted by
 * key as UTF-16 code units, no whitespace, strings and numbers as ECMAScript JSON.stringify
 * writes them. Server and clients sign and verify exactly these bytes, so the same object
 * always produces the same signature input. No Node or DOM imports: the browser client uses it.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: numbers must be finite');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object' && isPlainObject(value)) {
    const members = Object.keys(value)
      .sort()
      .map((key) => {
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined) throw new TypeError(`canonicalJson: member "${key}" is undefined (omit it)`);
        return `${JSON.stringify(key)}:${canonicalJson(member)}`;
      });
    return `{${members.join(',')}}`;
  }
  throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
