import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** Asks the operator one line at a time; rejects when the input ends first. */
export interface Prompter {
  ask(question: string): Promise<string>;
  close(): void;
}

/**
 * A Prompter on a stream pair (the terminal, or a script writing the operator's answers). When
 * the input is not a terminal nothing echoes the answer, so a line break ends the question.
 */
export function linePrompter(input: Readable & { isTTY?: boolean }, output: Writable): Prompter {
  const lines = createInterface({ input, terminal: false });
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  const ready: string[] = [];
  let ended = false;
  const ending = () => new Error('the input ended before the operator answered');
  lines.on('line', (line) => (waiting.length > 0 ? waiting.shift()!.resolve(line) : ready.push(line)));
  lines.on('close', () => {
    ended = true;
    for (const w of waiting.splice(0)) w.reject(ending());
  });
  const next = (): Promise<string> => {
    if (ready.length > 0) return Promise.resolve(ready.shift()!);
    if (ended) return Promise.reject(ending());
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
  return {
    async ask(question) {
      output.write(`${question} `);
      try {
        return await next();
      } finally {
        if (!input.isTTY) output.write('\n');
      }
    },
    close: () => lines.close(),
  };
}
