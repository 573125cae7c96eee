import autocannon from 'autocannon';

// Shared by the HTTP benchmarks that compare endpoints of one machine against each other.
export const CONNECTIONS = 10;
export const SECONDS_PER_RUN = 3;
export const ROUNDS = 3;
export const WARMUP_SECONDS = 1;

export interface Endpoint<L extends string> {
  label: L;
  url: string;
  headers: Record<string, string>;
}

export interface Run<L extends string> {
  label: L;
  rps: number;
  p50: number;
  p99: number;
  /** Non-2xx responses, errors and timeouts: any of them means the path meant was not what got measured. */
  bad: number;
}

async function load<L extends string>(endpoint: Endpoint<L>, seconds: number): Promise<Run<L>> {
  // The load generator runs in its own thread so it does not share the servers' event loop.
  const result = await autocannon({ url: endpoint.url, connections: CONNECTIONS, duration: seconds, headers: endpoint.headers, workers: 1 });
  return {
    label: endpoint.label,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * Warms each endpoint up, then loads them in turn (A B A B A B) so that drift of the machine
 * affects all alike; prints one row per run, naming the endpoint in the column `column`.
 */
export async function loadInTurn<L extends string>(endpoints: Endpoint<L>[], column: string, note = ''): Promise<Run<L>[]> {
  console.log(`${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS_PER_RUN} s each (after a ${WARMUP_SECONDS} s warm-up each)${note}`);
  for (const e of endpoints) await load(e, WARMUP_SECONDS);
  const runs: Run<L>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const e of endpoints) runs.push(await load(e, SECONDS_PER_RUN));
  }
  console.table(runs.map((r, i) => ({ run: i + 1, [column]: r.label, 'req/s': Math.round(r.rps), 'p50 ms': r.p50, 'p99 ms': r.p99, 'non-2xx/errors': r.bad })));
  return runs;
}

/**
 * Requests/s of one endpoint's runs. Other load on the machine only ever slows a run down, in
 * bursts; so besides the mean there are the median and the best run.
 */
export function rpsOf<L extends string>(runs: Run<L>[], label: L) {
  const rps = runs.filter((r) => r.label === label).map((r) => r.rps).sort((a, b) => a - b);
  const median = rps[Math.floor(rps.length / 2)]!;
  return { mean: rps.reduce((sum, x) => sum + x, 0) / rps.length, median, best: rps[rps.length - 1]!, spread: (rps[rps.length - 1]! - rps[0]!) / median };
}

export const badResponses = (runs: Run<string>[]): number => runs.reduce((sum, r) => sum + r.bad, 0);

/** Ends the process when a benchmark hangs, so that it cannot hold CI. */
export function abortAfter(ms: number): void {
  setTimeout(() => {
    console.error(`bench: still running after ${ms / 1000} s, aborting`);
    process.exit(1);
  }, ms).unref();
}
