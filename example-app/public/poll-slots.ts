/**
 * Turns for the long-polls to one origin. A browser opens at most six HTTP/1.1 connections to an
 * origin, shared by all its tabs, and each waiting long-poll holds one for up to 25 s: with many
 * accounts of one app, the page's own answers and the app's pages in other tabs would queue behind
 * them. At most `perOrigin` polls wait at once; the others wait for a turn, first come first served.
 */
export class PollSlots {
  readonly #origins = new Map<string, { busy: number; queue: Array<() => void> }>();

  constructor(readonly perOrigin: number) {}

  /** Runs `poll` once one of `origin`'s slots is free. */
  async run<T>(origin: string, poll: () => Promise<T>): Promise<T> {
    let slots = this.#origins.get(origin);
    if (!slots) this.#origins.set(origin, (slots = { busy: 0, queue: [] }));
    if (slots.busy < this.perOrigin) slots.busy++;
    else await new Promise<void>((resolve) => slots.queue.push(resolve));
    try {
      return await poll();
    } finally {
      // The slot passes straight to the next in line, so a newcomer cannot overtake it.
      const next = slots.queue.shift();
      if (next) next();
      else slots.busy--;
    }
  }
}
