import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolOrSkip } from './requirements.js';
import { freePort, ServerProcess, waitUntil } from './server-process.js';

/** A redis-server a test started on 127.0.0.1 and a free port, without persistence. */
export class RedisServer {
  #process: ServerProcess | null = null;

  private constructor(private readonly binary: string, readonly dir: string, readonly port: number) {}

  /** A skip reason for node:test's `{ skip }` when redis-server is not installed (a throw with CI=true), else false. */
  static missing(): string | false {
    const found = toolOrSkip('redis-server');
    return 'skip' in found ? found.skip : false;
  }

  /** Starts redis-server; `{ skip }` (or a throw with CI=true) when it is not installed. */
  static async start(): Promise<RedisServer | { skip: string }> {
    const found = toolOrSkip('redis-server');
    if ('skip' in found) return found;
    const server = new RedisServer(found.path, mkdtempSync(join(tmpdir(), 'passport-mfa-redis-')), await freePort());
    await server.resume();
    return server;
  }

  /** redis://127.0.0.1:<port> */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#process?.alive ? this.#process.pid : undefined;
  }

  /** Stops the server by its PID; with no persistence every key is gone. */
  async pause(): Promise<void> {
    await this.#process?.stop('SIGTERM');
    this.#process = null;
  }

  /** Starts it again on the same port; resolves once it answers PING. */
  async resume(): Promise<void> {
    if (this.#process?.alive) return;
    const proc = new ServerProcess({
      command: this.binary,
      args: ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--daemonize', 'no', '--protected-mode', 'yes'],
      logFile: join(this.dir, 'redis.log'),
    });
    this.#process = proc;
    try {
      await waitUntil('redis-server did not answer PING', 10_000, async () => {
        if (!proc.alive) throw new Error(`redis-server exited:\n${proc.logTail()}`);
        return ping(this.port);
      });
    } catch (error) {
      await proc.stop('SIGKILL');
      throw error;
    }
  }

  async destroy(): Promise<void> {
    await this.pause();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One PING over a raw connection (RESP inline command): true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(1_000, () => socket.destroy(new Error('PING timed out')));
    socket.once('error', reject);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.end();
      resolve(data.toString().startsWith('+PONG'));
    });
  });
}
