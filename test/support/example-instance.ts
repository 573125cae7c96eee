import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, ServerProcess, waitUntil } from './server-process.js';

const MAIN = fileURLToPath(new URL('./example-instance-main.js', import.meta.url));

/** A sample-app instance in its own process on 127.0.0.1, started and stopped (or killed) by its PID. */
export class ExampleInstance {
  private constructor(private readonly process: ServerProcess, readonly origin: string) {}

  /**
   * Starts an instance with `env` (MFA_STORE, MFA_STORE_URL, REDIS_URL, DATA_DIR, keys...) on a
   * free port; resolves once it serves /login.
   */
  static async start(name: string, env: Record<string, string>, mfaOptions: object = {}): Promise<ExampleInstance> {
    const port = await freePort();
    const proc = new ServerProcess({
      command: process.execPath,
      args: [MAIN],
      logFile: join(env.DATA_DIR!, `${name}.log`),
      env: { ...process.env, ...env, PORT: String(port), EXAMPLE_MFA_OPTIONS: JSON.stringify(mfaOptions) },
    });
    const origin = `http://127.0.0.1:${port}`;
    try {
      await waitUntil(`sample-app instance ${name} did not start`, 60_000, async () => {
        if (!proc.alive) throw new Error(`it exited:\n${proc.logTail()}`);
        return (await fetch(`${origin}/login`)).status === 200;
      });
    } catch (error) {
      await proc.stop('SIGKILL');
      throw error;
    }
    return new ExampleInstance(proc, origin);
  }

  get pid(): number {
    return this.process.pid;
  }

  /** Ends it gracefully (SIGTERM). */
  stop(): Promise<void> {
    return this.process.stop('SIGTERM');
  }

  /** kill -9: no shutdown code runs, open requests are cut. */
  kill(): Promise<void> {
    return this.process.stop('SIGKILL');
  }

  logTail(): string {
    return this.process.logTail();
  }
}
