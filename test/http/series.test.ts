import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { series } from '../../src/http/series.js';

/** Runs `handler` on an empty request; resolves with what it passed to next, or 'answered' if it did not call next. */
function run(handler: RequestHandler): Promise<unknown> {
  return new Promise((resolve) => {
    const res = { end: () => resolve('answered') } as unknown as Response;
    handler({} as Request, res, ((error?: unknown) => resolve(error ?? 'next')) as NextFunction);
  });
}

describe('series', () => {
  it('runs each middleware when the one before calls next, then passes on', async () => {
    const seen: number[] = [];
    const mark = (n: number): RequestHandler => (_req, _res, next) => {
      seen.push(n);
      next();
    };
    assert.equal(await run(series(mark(1), mark(2), mark(3))), 'next');
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it('stops at one that answers', async () => {
    const seen: number[] = [];
    const answer: RequestHandler = (_req, res) => {
      seen.push(1);
      res.end();
    };
    assert.equal(await run(series(answer, () => seen.push(2))), 'answered');
    assert.deepEqual(seen, [1]);
  });

  it('hands errors on, passed to next, thrown or rejected, and runs nothing after them', async () => {
    const boom = new Error('boom');
    const after: RequestHandler = () => assert.fail('ran after an error');
    assert.equal(await run(series((_req, _res, next) => next(boom), after)), boom);
    assert.equal(await run(series(() => {
      throw boom;
    }, after)), boom);
    assert.equal(await run(series((async () => {
      throw boom;
    }) as RequestHandler, after)), boom);
  });
});
