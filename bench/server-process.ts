// Both halves of the commands every bench server process answers (verify-server-*.ts,
// app-password-server.ts, guard-server.ts, store-scale-server.ts): its CPU time, and a CPU
// profile of what the bench measures.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ask } from './child-process.js';

export type ServerProcessMessage =
  /** CPU time (user + system, µs) the server process has used so far. */
  | { type: 'cpu'; micros: number }
  | { type: 'profiled'; file: string };

const CPU = 'cpu';
/** Starts a CPU profile of the server (after its set-up, so only what the bench measures is in it). */
const PROFILE_START = 'profile start';
/** Stops the profile and writes it to the file given after this prefix. */
const PROFILE_STOP = 'profile stop ';

/**
 * In the server process: answers the CPU and profile commands, and hands every other command to
 * `answer`, sending what it returns (if anything) back to the bench.
 */
export function answerCommands(answer: (command: string) => Promise<object | undefined> | object | undefined): void {
  const send = (message: object) => process.send!(message);
  const profiler = new Session();
  let connected = false;
  process.on('message', (command: string) => {
    if (command === CPU) {
      const { user, system } = process.cpuUsage();
      return send({ type: 'cpu', micros: user + system } satisfies ServerProcessMessage);
    }
    if (command === PROFILE_START) {
      if (!connected) profiler.connect();
      connected = true;
      return profiler.post('Profiler.enable', () => profiler.post('Profiler.start'));
    }
    if (command.startsWith(PROFILE_STOP)) {
      const file = command.slice(PROFILE_STOP.length);
      return profiler.post('Profiler.stop', (err, result) => {
        if (err) throw err;
        writeFileSync(file, JSON.stringify(result.profile));
        send({ type: 'profiled', file } satisfies ServerProcessMessage);
      });
    }
    void Promise.resolve(answer(command)).then((message) => message && send(message));
  });
}

/** In the bench: the CPU time (µs) the server process has used so far. */
export async function serverCpu(child: ChildProcess): Promise<number> {
  return (await ask<ServerProcessMessage, 'cpu'>(child, 'cpu', CPU)).micros;
}

/** In the bench: starts profiling the server process. */
export function startProfile(child: ChildProcess): void {
  child.send(PROFILE_START);
}

/** In the bench: stops profiling the server process and has it write the profile to `file`. */
export async function stopProfile(child: ChildProcess, file: string): Promise<void> {
  await ask<ServerProcessMessage, 'profiled'>(child, 'profiled', PROFILE_STOP + file);
}

/**
 * A directory for a bench server's database, on tmpfs where there is one, for every server alike: on a
 * disk each commit waits for an fsync, whose cost depends on the disk and on whatever else writes
 * to it, not on the code under test.
 */
export function benchDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'passport-mfa-bench-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
