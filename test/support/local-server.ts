import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface LocalServer {
  /** http://127.0.0.1:<port>, without a trailing slash. */
  base: string;
  close(): Promise<void>;
}

/** A port of 127.0.0.1 that was free a moment ago (for an app that must know its origin before it listens). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ready) => probe.listen(0, '127.0.0.1', ready));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

/** Serves `app` on 127.0.0.1 (a random port unless given), the real origin browsers and devices visit. */
export async function listenOnLocalhost(app: Express, port = 0): Promise<LocalServer> {
  const server = await new Promise<Server>((ready, fail) => {
    const s = app.listen(port, '127.0.0.1', () => ready(s)).once('error', fail);
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

