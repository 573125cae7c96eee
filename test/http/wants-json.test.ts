import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import type { Request } from 'express';
import { wantsJson } from '../../src/http/wants-json.js';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

/** A request as Express builds it, with only the given headers. */
function requestWith(headers: Record<string, string>): Request {
  const req = Object.create(express.request) as Request;
  req.headers = headers;
  return req;
}

describe('wantsJson', () => {
  it('answers pages to browsers and JSON to scripts, by Accept, X-Requested-With or a JSON body', () => {
    assert.equal(wantsJson(requestWith({ accept: BROWSER })), false);
    assert.equal(wantsJson(requestWith({})), false, 'no Accept: the page');
    assert.equal(wantsJson(requestWith({ accept: 'application/json' })), true);
    assert.equal(wantsJson(requestWith({ accept: 'text/html;q=0.1, application/json' })), true, 'by quality, not by order');
    assert.equal(wantsJson(requestWith({ accept: BROWSER, 'x-requested-with': 'XMLHttpRequest' })), true);
    assert.equal(wantsJson(requestWith({ accept: BROWSER, 'content-type': 'application/json', 'content-length': '2' })), true);
  });

  it('gives the same answer for a header it has seen, however many others came between', () => {
    const headers = Array.from({ length: 300 }, (_, i) => (i % 2 ? `application/json;q=0.${(i % 9) + 1}, text/html;q=0.05` : `text/html, application/x-${i};q=0.5`));
    const first = headers.map((accept) => wantsJson(requestWith({ accept })));
    assert.deepEqual(first, headers.map((_, i) => i % 2 === 1));
    assert.deepEqual(headers.map((accept) => wantsJson(requestWith({ accept }))), first);
  });

  it('negotiates a long header too', () => {
    const long = `${Array.from({ length: 60 }, (_, i) => `application/x-${i};q=0.1`).join(', ')}, application/json`;
    assert.ok(long.length > 256);
    assert.equal(wantsJson(requestWith({ accept: long })), true);
    assert.equal(wantsJson(requestWith({ accept: long })), true);
  });
});
