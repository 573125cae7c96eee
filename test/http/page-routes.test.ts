import assert from 'node:assert/strict';
import express from 'express';
import type { RequestHandler } from 'express';
import { describe, it } from 'node:test';
import request from 'supertest';
import { pageDispatcher, PageRoutes } from '../../src/http/page-routes.js';

const answer = (name: string): RequestHandler => (req, res) => void res.json({ name, params: req.params });

/** An app serving `groups` under /mfa, with a 404 of its own after them. */
function app(...groups: PageRoutes[]) {
  const pages = express.Router();
  pages.use(pageDispatcher(...groups));
  pages.use((_req, res) => void res.status(404).json({ name: 'not found' }));
  const host = express();
  host.use('/mfa', pages);
  return host;
}

describe('pageDispatcher', () => {
  const first = new PageRoutes().get('/verify', answer('verify page')).post('/manage/factors/:id/delete', answer('delete'));
  const second = new PageRoutes()
    .post('/verify', answer('verify'))
    .get('/verify', answer('second verify page'))
    .post('/manage/factors/all/delete', answer('shadowed by the parameter route'))
    .post('/manage/factors', answer('factors'));
  const served = app(first, second);

  it('answers fixed paths by method, the first registered route winning', async () => {
    assert.equal((await request(served).get('/mfa/verify')).body.name, 'verify page');
    assert.equal((await request(served).post('/mfa/verify')).body.name, 'verify');
    assert.equal((await request(served).post('/mfa/manage/factors')).body.name, 'factors');
  });

  it('matches as Express does: parameters, an earlier parameter route first, HEAD, letter case, a trailing slash', async () => {
    assert.deepEqual((await request(served).post('/mfa/manage/factors/f1/delete')).body, { name: 'delete', params: { id: 'f1' } });
    assert.equal((await request(served).post('/mfa/manage/factors/all/delete')).body.name, 'delete');
    assert.equal((await request(served).head('/mfa/verify')).status, 200);
    assert.equal((await request(served).get('/mfa/VERIFY')).body.name, 'verify page');
    assert.equal((await request(served).post('/mfa/verify/')).body.name, 'verify');
  });

  it('passes on what no route matches: other paths and methods', async () => {
    assert.equal((await request(served).get('/mfa/manage/factors')).body.name, 'not found');
    assert.equal((await request(served).put('/mfa/verify')).body.name, 'not found');
    assert.equal((await request(served).post('/mfa/verify/push')).body.name, 'not found');
  });
});
