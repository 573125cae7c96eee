import type { ChildProcess } from 'node:child_process';

/** Sends `command` (if any) to a bench's server process and waits for its next message of `type`. */
export function ask<M extends { type: string }, T extends M['type']>(child: ChildProcess, type: T, command?: string): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: M) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as Extract<M, { type: T }>);
    };
    const onExit = (code: number | null) => reject(new Error(`the server process exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (command) child.send(command);
  });
}

export interface Memory { rss: number; heapUsed: number }

/** This process's memory after a full GC (when started with --expose-gc). */
export function memory(): Memory {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}
