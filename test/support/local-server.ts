import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface LocalServer {
  /** http://127.0.0.1:<port>, without a trailing slash. */
  base: string;
  close(): Promise<void>;
}

/** Serves `app` on a random port of 127.0.0.1, the real origin browsers and devices visit. */
export async function listenOnLocalhost(app: Express): Promise<LocalServer> {
  const server = await new Promise<Server>((ready) => {
    const s = app.listen(0, '127.0.0.1', () => ready(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

