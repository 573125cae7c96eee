// A reference for push-waiters.bench.ts: the same number of open event streams on a bare Express
// app (no session, no Passport, no passport-mfa), to show what the HTTP stack alone costs.
import express from 'express';
import type { Response } from 'express';
import type { AddressInfo } from 'node:net';
import { memory } from './child-process.js';
import type { ServerMessage } from './push-waiters.bench.js';

const count = Number(process.argv[2]);
const send = (message: ServerMessage) => process.send!(message);
const open: Response[] = [];
const app = express();
app.get('/mfa/verify/push/events', (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8' });
  res.write(': waiting\n\n');
  open.push(res);
});
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  send({ type: 'ready', origin: `http://127.0.0.1:${port}`, streams: Array.from({ length: count }, () => ({ path: '/mfa/verify/push/events', cookie: '' })), memory: memory() });
});
process.on('message', (command: string) => {
  if (command === 'measure') send({ type: 'memory', memory: memory() });
  if (command === 'wake') {
    for (const res of open) res.end('event: result\ndata: {"status":"approved"}\n\n');
    send({ type: 'woken', count: open.length });
  }
});
