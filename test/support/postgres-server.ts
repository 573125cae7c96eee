import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { missingRequirement } from './requirements.js';
import { freePort, ServerProcess, waitUntil } from './server-process.js';

/** Where Debian puts each PostgreSQL version's server binaries, which are not always on PATH. */
const DEBIAN_BIN = '/usr/lib/postgresql';
const HOW_TO_INSTALL = 'apt-get install postgresql';
/** The superuser initdb creates; every test database belongs to it. */
const SUPERUSER = 'mfa';

/** A PostgreSQL server a test started in a temp folder on 127.0.0.1 (trust auth, no fsync). */
export class PostgresServer {
  #process: ServerProcess | null = null;

  private constructor(
    private readonly bin: string,
    readonly dir: string,
    readonly port: number,
    private readonly owner: { uid: number; gid: number } | undefined,
    private readonly durable: boolean,
  ) {}

  /** A skip reason for node:test's `{ skip }` when PostgreSQL is not installed (a throw with CI=true), else false. */
  static missing(): string | false {
    return findBinDir() ? false : missingRequirement('PostgreSQL (initdb, postgres)', HOW_TO_INSTALL);
  }

  /**
   * initdb into a new temp folder and start the server on a free port; `{ skip }` (or a throw
   * with CI=true) when PostgreSQL is not installed. `durable`: commits wait for the disk, as in
   * production (benchmarks); by default they do not (tests, where durability buys nothing).
   */
  static async start(options: { durable?: boolean } = {}): Promise<PostgresServer | { skip: string }> {
    const bin = findBinDir();
    if (!bin) return { skip: PostgresServer.missing() || 'PostgreSQL is missing' };
    const dir = mkdtempSync(join(tmpdir(), 'passport-mfa-pg-'));
    // PostgreSQL refuses to run as root: the cluster then belongs to an unprivileged account.
    const owner = process.getuid?.() === 0 ? unprivilegedAccount() : undefined;
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const init = spawnSync(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', SUPERUSER, '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
      ...(owner ?? {}),
    });
    if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr || init.error?.message}`);
    const server = new PostgresServer(bin, dir, await freePort(), owner, options.durable ?? false);
    await server.resume();
    return server;
  }

  /** postgres://mfa@127.0.0.1:<port>/<database> */
  url(database = 'postgres'): string {
    return `postgres://${SUPERUSER}@127.0.0.1:${this.port}/${database}`;
  }

  get pid(): number | undefined {
    return this.#process?.alive ? this.#process.pid : undefined;
  }

  /** Creates a database and returns its URL. */
  async createDatabase(name: string): Promise<string> {
    await this.query(`CREATE DATABASE "${name}"`);
    return this.url(name);
  }

  /** Runs one statement as the superuser on `database`. */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values: unknown[] = [], database = 'postgres'): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query<R>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** Stops the server by its PID (fast shutdown: open connections are cut). The data stays. */
  async pause(): Promise<void> {
    await this.#process?.stop('SIGINT');
    this.#process = null;
  }

  /** Starts it again on the same port and data (after pause()); resolves once it accepts connections. */
  async resume(): Promise<void> {
    if (this.#process?.alive) return;
    const proc = new ServerProcess({
      command: join(this.bin, 'postgres'),
      args: [
        '-D', join(this.dir, 'data'),
        '-p', String(this.port),
        '-c', 'listen_addresses=127.0.0.1',
        '-c', `unix_socket_directories=${this.dir}`,
        '-c', 'max_connections=300',
        // A throwaway cluster: durability buys nothing here and costs seconds per suite.
        ...(this.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      ],
      logFile: join(this.dir, 'postgres.log'),
      env: { ...process.env, LC_ALL: 'C' },
      ...(this.owner ?? {}),
    });
    this.#process = proc;
    try {
      await waitUntil('PostgreSQL did not accept connections', 20_000, async () => {
        if (!proc.alive) throw new Error(`postgres exited:\n${proc.logTail()}`);
        await this.query('SELECT 1');
        return true;
      });
    } catch (error) {
      await proc.stop('SIGQUIT');
      throw error;
    }
  }

  /** Stops the server and deletes its folder. */
  async destroy(): Promise<void> {
    await this.pause();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function findBinDir(): string | null {
  const onPath = (process.env.PATH ?? '').split(':').find((dir) => dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
  if (onPath) return onPath;
  if (!existsSync(DEBIAN_BIN)) return null;
  const versions = readdirSync(DEBIAN_BIN).filter((v) => existsSync(join(DEBIAN_BIN, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(DEBIAN_BIN, versions[0], 'bin') : null;
}

/** The `postgres` account Debian's package creates, else `nobody`. */
function unprivilegedAccount(): { uid: number; gid: number } {
  const accounts = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':'));
  for (const name of ['postgres', 'nobody']) {
    const entry = accounts.find((fields) => fields[0] === name);
    if (entry) return { uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  throw new Error('running as root and no unprivileged account (postgres, nobody) to run PostgreSQL as');
}
