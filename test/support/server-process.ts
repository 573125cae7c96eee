import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A port on 127.0.0.1 that was free a moment ago (the OS picks it; the caller binds it next). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Calls `check` until it resolves truthy, or throws `what` after `timeoutMs`. */
export async function waitUntil<T>(what: string, timeoutMs: number, check: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
    try {
      const result = await check();
      if (result) return result;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) throw new Error(`${what} (after ${timeoutMs} ms)${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** Every server a test started and has not stopped: ended if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

export interface ServerProcessOptions {
  command: string;
  args: string[];
  /** Its stdout and stderr are appended here, and quoted when it fails to start. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
}

/** A server process the test owns: started, and stopped by its PID (never by name). */
export class ServerProcess {
  #child: ChildProcess;
  readonly #exited: Promise<number | null>;

  constructor(readonly options: ServerProcessOptions) {
    const log = openSync(options.logFile, 'a');
    try {
      this.#child = spawn(options.command, options.args, {
        stdio: ['ignore', log, log],
        env: options.env ?? process.env,
        ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
      });
    } finally {
      closeSync(log);
    }
    running.add(this.#child);
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        running.delete(this.#child);
        resolve(signal ? null : code);
      });
      this.#child.once('error', () => {
        running.delete(this.#child);
        resolve(null);
      });
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null && this.#child.pid !== undefined;
  }

  /** Resolves with its exit code (null when a signal ended it) once it has exited. */
  exited(): Promise<number | null> {
    return this.#exited;
  }

  /** Sends `signal` to its PID and waits for it to exit; SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    if (!this.alive) return;
    this.#child.kill(signal);
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  /** The end of its log, for error messages. */
  logTail(chars = 2_000): string {
    try {
      return readFileSync(this.options.logFile, 'utf8').slice(-chars);
    } catch {
      return '(no log)';
    }
  }
}
