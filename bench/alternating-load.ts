import autocannon from 'autocannon';
import { median } from './stats.js';

// Shared by the HTTP benchmarks that compare endpoints of one machine against each other.
export const CONNECTIONS = 10;
export const SECONDS_PER_RUN = 3;
export const ROUNDS = 3;
export const WARMUP_SECONDS = 1;

export interface Endpoint<L extends string> {
  label: L;
  url: string;
  headers: Record<string, string>;
  /**
   * Requests whose setupRequest gives each one its own cookie and body (the load then runs in this
   * process's main thread, which autocannon's workers cannot share functions with). @default GET url
   */
  requests?: autocannon.Request[];
  /** The status of a good response. @default any 2xx */
  successStatus?: number;
  /**
   * Runs before each load meant to last `seconds`, with this endpoint's earlier runs (warm-up
   * first), e.g. to seed what the requests use. A number returned is how many requests to make
   * instead (the load then lasts as long as they take).
   */
  prepare?(seconds: number, earlier: readonly Run<L>[]): Promise<number | void>;
  /**
   * CPU time (µs) the server has used so far, when it runs in a process of its own: read before
   * and after each load, it gives the CPU cost per request, which other work on the machine
   * disturbs far less than requests/s.
   */
  cpuMicros?(): Promise<number>;
}

export interface LoadOptions {
  /** Concurrent connections. @default CONNECTIONS */
  connections?: number;
  /** Alternating rounds. @default ROUNDS */
  rounds?: number;
  /** Load each endpoint briefly first, unmeasured (the JIT, caches). @default true */
  warmUp?: boolean;
  /** Printed after the first line (what is under test). @default '' */
  note?: string;
}

export interface Run<L extends string> {
  label: L;
  /** Requests made. */
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** Responses other than the good one, errors and timeouts: any of them means the path meant was not what got measured. */
  bad: number;
  /** Server CPU time per request (µs), when the endpoint reports its CPU time. */
  cpuPerRequest?: number;
}

async function load<L extends string>(endpoint: Endpoint<L>, seconds: number, connections: number, earlier: Run<L>[]): Promise<Run<L>> {
  const amount = await endpoint.prepare?.(seconds, earlier);
  const { url, headers, requests } = endpoint;
  // autocannon ends a run at its next sample tick: ticks 10 ms apart (not 1 s) time a run of a
  // set number of requests to the hundredth of a second.
  const length = typeof amount === 'number' ? { amount, sampleInt: 10 } : { duration: seconds };
  const cpuBefore = await endpoint.cpuMicros?.();
  // Without per-request functions the load generator runs in its own thread, off the main one.
  const result = await autocannon({ url, connections, headers, ...length, ...(requests ? { requests } : { workers: 1 }) });
  const cpuAfter = await endpoint.cpuMicros?.();
  const total = result.requests.total;
  const good = endpoint.successStatus === undefined ? total - result.non2xx : (result.statusCodeStats?.[`${endpoint.successStatus}`]?.count ?? 0);
  const run = {
    label: endpoint.label,
    requests: total,
    rps: total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bad: total - good + result.errors + result.timeouts,
    ...(cpuBefore !== undefined && cpuAfter !== undefined ? { cpuPerRequest: (cpuAfter - cpuBefore) / total } : {}),
  };
  earlier.push(run);
  return run;
}

/**
 * Warms each endpoint up, then loads them in turn (A B A B A B) so that drift of the machine
 * affects all alike; prints one row per run, naming the endpoint in the column `column`.
 */
export async function loadInTurn<L extends string>(endpoints: Endpoint<L>[], column: string, options: LoadOptions = {}): Promise<Run<L>[]> {
  const { connections = CONNECTIONS, rounds = ROUNDS, warmUp = true, note = '' } = options;
  console.log(`${connections} connections, ${rounds} alternating rounds of ${SECONDS_PER_RUN} s each${warmUp ? ` (after a ${WARMUP_SECONDS} s warm-up each)` : ''}${note}`);
  const history = new Map(endpoints.map((e) => [e, [] as Run<L>[]]));
  if (warmUp) for (const e of endpoints) await load(e, WARMUP_SECONDS, connections, history.get(e)!);
  const runs: Run<L>[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const e of endpoints) runs.push(await load(e, SECONDS_PER_RUN, connections, history.get(e)!));
  }
  console.table(runs.map((r, i) => ({
    run: i + 1, [column]: r.label, 'req/s': Math.round(r.rps), 'p50 ms': r.p50, 'p99 ms': r.p99,
    ...(r.cpuPerRequest !== undefined ? { 'server CPU µs/req': Math.round(r.cpuPerRequest) } : {}),
    'non-2xx/errors': r.bad,
  })));
  return runs;
}

/**
 * Requests/s of one endpoint's runs. Other load on the machine only ever slows a run down, in
 * bursts; so besides the mean there are the median and the best run.
 */
export function rpsOf<L extends string>(runs: Run<L>[], label: L) {
  const rps = runs.filter((r) => r.label === label).map((r) => r.rps);
  const mid = median(rps);
  return { mean: rps.reduce((sum, x) => sum + x, 0) / rps.length, median: mid, best: Math.max(...rps), spread: (Math.max(...rps) - Math.min(...rps)) / mid };
}

/** The median server CPU time per request (µs) of one endpoint's runs. */
export function cpuOf<L extends string>(runs: Run<L>[], label: L): number {
  return median(runs.filter((r) => r.label === label && r.cpuPerRequest !== undefined).map((r) => r.cpuPerRequest!));
}

export const badResponses = (runs: Run<string>[]): number => runs.reduce((sum, r) => sum + r.bad, 0);

/** Ends the process when a benchmark hangs, so that it cannot hold CI. */
export function abortAfter(ms: number): void {
  setTimeout(() => {
    console.error(`bench: still running after ${ms / 1000} s, aborting`);
    process.exit(1);
  }, ms).unref();
}
