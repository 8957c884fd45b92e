// The one load generator of the throughput benches: autocannon, run from this process, with a fixed number
// of keep-alive connections each sending its next request as soon as the previous answer arrives (closed
// loop). Every target gets the same warm-up and measurement, so only the server differs. Latencies are
// taken from each response (autocannon's own histogram keeps whole milliseconds only).
//
// Requests per second on two shared cores swing with whatever else runs, the load generator first of all
// (D17.1). The steadier figure is the server's own CPU time per answer: user + system time of its
// process over the measured window (/proc/<pid>/stat, read from here: the server is a child process),
// divided by the 2xx answers in that window. A server that does less per request scores better however
// busy the machine is.
import autocannon from 'autocannon';
import type { NodeChild } from './child.ts';
import { percentile } from './stats.ts';

export interface LoadOptions {
  connections: number;
  /** Requests per second from all connections together (open loop); unset: as fast as answers come. */
  rate?: number;
  /** Discarded run first: JIT, connection set-up, caches (seconds; 0 for none). */
  warmupSeconds: number;
  durationSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  /** The server's CPU time (user + system) per 2xx answer over the measured window, µs; NaN without a process. */
  cpuMicrosPerRequest: number;
  /** 2xx answers and the server's CPU seconds over the measured window (to add runs together). */
  answers: number;
  cpuSeconds: number;
  p50Ms: number;
  p99Ms: number;
}

function once(url: string, options: LoadOptions, seconds: number, latencies?: number[]) {
  const { connections, rate } = options;
  return new Promise<autocannon.Result>((resolve, reject) => {
    const settings = { url, connections, duration: seconds, ...(rate ? { overallRate: rate } : {}) };
    const instance = autocannon(settings, (error: unknown, result) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result),
    );
    if (latencies)
      instance.on('response', (_client, _status, _bytes, milliseconds) => latencies.push(milliseconds));
  });
}

/**
 * Warms up, then measures `url` (and the CPU time of `server`, the process answering it); throws if any
 * answer is not 2xx or a connection fails (a throttled run is void).
 */
export async function drive(url: string, options: LoadOptions, server?: NodeChild): Promise<LoadResult> {
  if (options.warmupSeconds > 0) await once(url, options, options.warmupSeconds);
  const latencies: number[] = [];
  const cpuBefore = server?.cpuSeconds() ?? NaN;
  const result = await once(url, options, options.durationSeconds, latencies);
  const cpu = (server?.cpuSeconds() ?? NaN) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    cpuMicrosPerRequest: (cpu * 1e6) / result['2xx'],
    answers: result['2xx'],
    cpuSeconds: cpu,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}
