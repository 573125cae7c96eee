import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../../src/push/canonical-json.js';

describe('canonicalJson (RFC 8785 style)', () => {
  it('sorts members by key at every level and writes no whitespace', () => {
    assert.equal(canonicalJson({ b: [1, 'x', { d: 1, c: null }], a: null }), '{"a":null,"b":[1,"x",{"c":null,"d":1}]}');
  });

  it('gives the same text for the same object whatever the member order', () => {
    assert.equal(canonicalJson({ method: 'GET', path: '/', body: null }), canonicalJson({ body: null, path: '/', method: 'GET' }));
  });

  it('sorts keys by UTF-16 code units and escapes strings as JSON.stringify does', () => {
    assert.equal(canonicalJson({ é: 1, z: 2, A: 3, '\u20ac': 4, '😀': 5 }), '{"A":3,"z":2,"é":1,"€":4,"😀":5}');
    assert.equal(canonicalJson('line\nbreak "quoted" \u2028'), JSON.stringify('line\nbreak "quoted" \u2028'));
  });

  it('writes numbers as ECMAScript does (RFC 8785 §3.2.2.3)', () => {
    assert.equal(canonicalJson([1767268800000, 0.5, -0, 1e21, 1e-7]), '[1767268800000,0.5,0,1e+21,1e-7]');
  });

  it('refuses values that have no single JSON form', () => {
    for (const bad of [Number.NaN, Infinity, undefined, () => 1, new Date(0), { a: undefined }, 10n]) {
      assert.throws(() => canonicalJson(bad), TypeError, String(bad));
    }
  });
});
