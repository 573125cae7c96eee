import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { canonicalJson } from '../../src/push/canonical-json.js';

// A CommonJS module whose typings claim a default export; required as what it is.
const canonicalize = createRequire(import.meta.url)('canonicalize') as (value: unknown) => string;

/** A random I-JSON value: nested objects and arrays, tricky keys and strings, numbers of every size. */
function randomValue(next: () => number, depth = 0): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const texts = ['', 'a', 'A', 'é', '€', '😀', '\u0000', '\u001f', '\u007f', '\u2028', '"\\/', '\r\n\t\b\f', 'דּ', '1', '10', '9', '\u0080', 'ö'];
  const text = () => Array.from({ length: Math.floor(next() * 3) }, () => pick(texts)).join('');
  const kind = depth > 3 ? Math.floor(next() * 4) : Math.floor(next() * 6);
  switch (kind) {
    case 0: return pick([null, true, false]);
    case 1: return text();
    case 2: return pick([0, -0, 1, -1, 0.5, 1e21, 1e-7, 123456789.125, 2 ** 53, -(2 ** 53) + 1, 5e-324, 1.7976931348623157e308, 1767268800000]) * pick([1, -1, 1 / 3, 1e-3]);
    case 3: return Math.floor(next() * 2 ** 40);
    case 4: return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    default: return Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, () => [text(), randomValue(next, depth + 1)]));
  }
}

/** A small deterministic generator (mulberry32), so a failure names a reproducible seed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('canonicalJson (RFC 8785 JCS)', () => {
  it('sorts members by key at every level and writes no whitespace', () => {
    assert.equal(canonicalJson({ b: [1, 'x', { d: 1, c: null }], a: null }), '{"a":null,"b":[1,"x",{"c":null,"d":1}]}');
    assert.equal(canonicalJson({ method: 'GET', path: '/', body: null }), canonicalJson({ body: null, path: '/', method: 'GET' }));
  });

  it('agrees with the independent `canonicalize` package (by an RFC 8785 author) on 2000 random I-JSON values', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const value = randomValue(seeded(seed));
      assert.equal(canonicalJson(value), canonicalize(value), `seed ${seed}: ${JSON.stringify(value)}`);
    }
  });

  it('gives the same bytes for a value and for its canonical text parsed again (idempotent)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const once = canonicalJson(randomValue(seeded(seed)));
      assert.equal(canonicalJson(JSON.parse(once)), once, `seed ${seed}`);
    }
  });

  it('refuses values that have no single JSON form', () => {
    // eslint-disable-next-line no-sparse-arrays
    for (const bad of [Number.NaN, Infinity, undefined, () => 1, new Date(0), { a: undefined }, 10n, [1, , 3], [undefined], Symbol('s')]) {
      assert.throws(() => canonicalJson(bad), TypeError, typeof bad);
    }
  });

  it('refuses strings that are not I-JSON (lone surrogates, noncharacters), in values and in keys', () => {
    for (const text of ['\ud800', 'a\udc00b', '\udc00\ud800', '\ufdd0', '\ufffe', '\uffff', '\u{1fffe}', '\u{10ffff}']) {
      assert.throws(() => canonicalJson(text), TypeError, JSON.stringify(text));
      assert.throws(() => canonicalJson({ [text]: 1 }), TypeError, `key ${JSON.stringify(text)}`);
    }
    assert.equal(canonicalJson('😀\u{10fffd}\ufdf0'), '"😀\u{10fffd}\ufdf0"', 'surrogate pairs and the characters around the noncharacters are fine');
  });
});
